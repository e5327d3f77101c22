#!/usr/bin/env python3
"""Build the demo procedure catalog (format ``motcua-catalog/1``).

Usage (Python 3.11, standard library only), from the repository root::

    python3 data/build-catalog.py /work/shared/data/procedures-2026.json \\
        data/catalog-guides.json data/catalog-forms.json > data/catalog.json

Add ``--list-fixes`` to also print, on stderr, one line per source correction
applied (the list that ``data/catalog.NOTES.md`` summarises).

Inputs:

* ``procedures-2026.json``: the 48 procedures crawled from the National Public
  Service Portal (see ``procedures-2026.NOTES.md`` next to it for its known
  errors and gaps).
* ``catalog-guides.json``: ``{"<code>": GUIDE, ...}``, the short citizen guides,
  written by hand, one per procedure.
* ``catalog-forms.json`` (optional): ``{"<code>": FORM, ...}``, e-forms in the
  format ``motcua-form/1``, written by hand. A document rule may name a document
  by the start of its name; it is expanded to the full name (which must be
  unique). motcua checks the forms themselves when it imports the catalog.

Output (stdout): the catalog described in ``docs/catalog-format.md``,
deterministic (procedures sorted by code, ``json.dumps(..., ensure_ascii=False,
indent=1)``). A short summary goes to stderr. The script checks its own output
and exits with status 1, printing every problem, if the catalog is not valid.

What the script does beyond a plain field mapping (all listed in
``catalog.NOTES.md``):

* corrects the source errors listed in the source NOTES (fee rows, a garbled
  step, an agency data-entry error, typos, remarks parsed as documents);
* fills what the source does not give with sensible values and lists the path
  of every filled value in the procedure's ``demo_values``.

Conventions chosen where the format leaves room:

* channels are ordered online, post, in_person;
* ``fees`` of every channel carry the amount the source names for the fee
  (``amount``); the reduced online price, where the source names one, is set as
  ``online_amount`` on the fees of the ``online`` channel only;
* a fee rule whose period has ended by the crawl date (June 2026) is not used
  as a price; it is kept, with its dates, in ``fee_note``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

FORMAT = "motcua-catalog/1"

LEVELS = ("ministry", "province", "commune")
CHANNELS = ("online", "post", "in_person")
CHANNEL_OF = {"Trực tuyến": "online", "Dịch vụ bưu chính": "post", "Trực tiếp": "in_person"}
UNITS = ("working_days", "working_hours", "calendar_days")
UNIT_OF_SOURCE = {"working_days": "working_days", "days": "calendar_days", "hours": "working_hours"}
UNIT_OF_WORD = {"Ngày làm việc": "working_days", "Ngày": "calendar_days", "Giờ": "working_hours"}
ONLINE_SERVICE = ("full", "partial", "none")
REQUIREMENTS = ("required", "optional", "conditional")
PRESENTATIONS = ("submit", "show")
GUIDE_KEYS = ("summary", "prepare", "submit", "cost", "duration", "after")
PROCEDURE_KEYS = (
    "code", "name", "field", "levels", "agencies", "target_group", "online_service",
    "channels", "same_day_cutoff", "fee_note", "documents", "result", "legal_basis",
    "steps", "guide", "demo_values", "source", "form", "workflow",
)

FIXES: list[str] = []  # one line per correction applied, "<code>: <what>"


def fix(code: str, what: str) -> None:
    line = f"{code}: {what}"
    if line not in FIXES:
        FIXES.append(line)


# --------------------------------------------------------------------------
# Decisions taken by hand (each is explained in catalog.NOTES.md)
# --------------------------------------------------------------------------

# online_service: the source knows it only for 1.012575 (full) and 1.013076
# (partial). Procedures without an online channel are "none" (not a guess: the
# portal does not offer them online). For the others the value is judged from
# the channels and the nature of the procedure, and is a demo value:
# "partial" where the applicant or an original must be present (biometrics,
# signing in front of an official, original certificates, site inspection).
ONLINE_SERVICE_DEMO = {
    # civil status (hộ tịch)
    "1.001193": "full", "1.000656": "full", "1.004873": "full", "2.000635": "full",
    "1.004884": "full", "1.004859": "full", "1.004837": "full",
    "1.000894": "partial",  # both parties sign the register in person
    "2.000806": "partial",  # both parties sign the register in person
    "1.001022": "partial",  # the parties must be present
    "1.000689": "partial",  # the parties must be present
    "2.000528": "partial",  # foreign documents, legalised originals
    # certification: the parties sign in front of the certifier
    "2.001035": "partial",
    # residence
    "1.004222": "full", "1.004194": "full", "2.001159": "full", "1.002755": "full",
    "1.010038": "full", "1.010041": "full",
    # identity cards and passport: fingerprints, face, iris taken in person
    "1.014061": "partial", "1.014063": "partial", "1.014064": "partial",
    "1.001456": "partial",
    # criminal record, driving licences: VNeID login, result by post
    "3.000333": "full", "3.000347": "full", "3.000348": "full",
    # household business and enterprises: electronic registration systems
    "1.001612": "full", "2.000720": "full", "2.001583": "full", "2.001610": "full",
    "2.002043": "full",
    # building permit and land: original certificates, drawings, site checks
    "1.013225": "partial", "1.013831": "partial", "1.013978": "partial",
    "1.012783": "partial", "1.012784": "partial", "1.013949": "partial",
    # social and health insurance
    "1.001939": "full", "1.002759": "full", "1.001613": "full", "2.000693": "full",
}

# Processing time where the source cell says "Không có thông tin": a plausible
# value, marked as a demo value (Decree 23/2015/NĐ-CP art. 7 for certification:
# within the day, two working days for transactions; civil-status copies are
# issued at once).
DEMO_TIMES = {
    "2.000635": (1, "working_days"),
    "2.000815": (1, "working_days"),
    "2.000884": (1, "working_days"),
    "2.001035": (2, "working_days"),
}

# A bare number in the time cell, read from the "Trình tự" text instead.
TIME_FROM_STEPS = {
    "2.000720": (3, "working_days",
                 'Cột "Thời gian" ghi "1" (không ghi đơn vị); thời hạn 03 ngày làm việc '
                 'lấy từ mục Trình tự thực hiện.'),
}

# Remarks on the processing time, per procedure (all channels).
TIME_NOTES = {
    "1.001193": 'Trình tự: nếu tiếp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc '
                'tiếp theo.',
    "1.000656": 'Trình tự: nếu tiếp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc '
                'tiếp theo.',
    "1.001612": 'Cột "Thời gian" ghi "Không có thông tin"; thời hạn 03 ngày làm việc lấy từ '
                'mục Trình tự thực hiện.',
    "2.000986": 'Tối đa 20 ngày làm việc kể từ ngày nộp đủ hồ sơ; có thể kéo dài thêm tối đa '
                '02 ngày làm việc (bổ sung hồ sơ) hoặc 05 ngày làm việc (xã ở xa, giao thông '
                'khó khăn).',
    "2.001023": 'Tối đa 15 ngày làm việc kể từ ngày nộp đủ hồ sơ.',
    "1.010041": '3 ngày làm việc trong trường hợp cần xác minh.',
    "3.000228": '7 ngày làm việc nếu chưa có thẻ Căn cước công dân gắn chip/thẻ căn cước còn '
                'hiệu lực.',
    "1.012575": 'Biển trúng đấu giá, biển định danh: không quá 07 ngày làm việc.',
    "1.013076": '7 ngày làm việc khi cấp lại biển số định danh; biển số định danh lần đầu '
                'được cấp ngay sau khi tiếp nhận hồ sơ hợp lệ.',
    "2.000693": 'Tối đa 06 ngày làm việc khi nhận hồ sơ từ đơn vị sử dụng lao động; tối đa '
                '03 ngày làm việc khi nhận hồ sơ từ người lao động, người tham gia BHXH tự '
                'nguyện.',
    "1.013225": 'Trình tự: "Trong thời hạn 20 ngày (hoặc 15 ngày đối với nhà ở riêng lẻ) kể '
                'từ ngày nhận đủ hồ sơ hợp lệ".',
    "1.012783": 'Thời hạn khác nhau theo hình thức nộp, chép đúng như trang nguồn.',
    "1.013831": 'Thời hạn khác nhau theo hình thức nộp, chép đúng như trang nguồn.',
    "1.002759": 'Thời hạn 45 ngày chép đúng như trang nguồn.',
}

# Agencies: corrections and fills.
AGENCY_OVERRIDES = {
    # data-entry error "Công đoàn cơ quan BHXH Việt Nam": the Trình tự names the
    # commune's one-stop desk and the social insurance agency
    "2.001023": (["Ủy ban nhân dân cấp xã", "Cơ quan Bảo hiểm xã hội"], "fix",
                 'cơ quan thực hiện "Công đoàn cơ quan BHXH Việt Nam" (lỗi nhập liệu) thay bằng '
                 '"Ủy ban nhân dân cấp xã", "Cơ quan Bảo hiểm xã hội" theo mục Trình tự thực hiện'),
    # no agency on the page; commune-level certification is done by the commune
    "2.001035": (["Ủy ban nhân dân cấp xã"], "demo", None),
}
# The fee text names the commune People's Committee as a certifier; the agency
# cell lists only notaries and representative missions.
AGENCY_PREPEND = {"2.000815": "Ủy ban nhân dân cấp xã", "2.000884": "Ủy ban nhân dân cấp xã"}

# Steps rewritten because the crawl garbled them.
STEP_REWRITES = {
    ("1.001193", 0): "Nếu lựa chọn hình thức nộp hồ sơ trực tiếp, người yêu cầu đăng ký khai sinh "
                     "nộp hồ sơ đăng ký khai sinh tại Trung tâm Phục vụ hành chính công có thẩm "
                     "quyền;",
}

# Typos of the source, fixed wherever they occur in that procedure's texts:
# (code, regular expression, replacement).
TYPOS = [
    ("1.013949", "Cơ quan chsuyên môn", "Cơ quan chuyên môn"),
    ("1.014063", "bộ phận một của cấp xã", "bộ phận một cửa cấp xã"),
    ("2.001023", "giao nhiệm vụ lập lập hồ sơ", "giao nhiệm vụ lập hồ sơ"),
    ("1.001022", "Tờ khai đăng ký đăng ký nhận cha, mẹ, con", "Tờ khai đăng ký nhận cha, mẹ, con"),
    ("2.001610", "có chữ ký của chủ doanh nghiệp tư$", "có chữ ký của chủ doanh nghiệp tư nhân"),
    ("1.001613", "Mẫu số 04B – HBQP", "Mẫu số 04B-HBQP"),
    ("2.000693", r"nhận con14-HSB\.", "nhận con."),
    ("2.000693", r"Luật Hôn nhân và gia đình14-HSB\.", "Luật Hôn nhân và gia đình."),
    ("1.013225", r"xây dựng\.\.$", "xây dựng."),
    ("1.002755", r"Thông tư số 53/2023/TT-BCA", "Thông tư số 53/2025/TT-BCA"),
]

# Documents that are remarks or headings, not documents: (code, source index).
DOC_DROP = {
    ("1.002755", 6): 'ghi chú "Lưu ý: ..." về cách nộp bản sao, bản chụp',
    ("2.000806", 3): 'dòng tiêu đề "* Ngoài giấy tờ nêu trên, tùy từng trường hợp ..."',
    ("2.000806", 7): "ghi chú về thời hạn giá trị của giấy tờ chứng minh tình trạng hôn nhân",
    ("1.001612", 0): 'ghi chú "(iv) ... thực hiện theo quy định tại mục (ii)"',
    ("1.001612", 1): 'ghi chú "(v) Người ủy quyền và người được ủy quyền ... chịu trách nhiệm"',
    ("2.000720", 8): 'ghi chú "(iv) ... thực hiện theo quy định tại mục (ii)"',
    ("2.000720", 10): 'ghi chú "(v) Người ủy quyền và người được ủy quyền ... chịu trách nhiệm"',
    ("1.001613", 0): 'ghi chú "Trường hợp không quy định rõ bản chính thì có thể nộp bản sao hợp lệ"',
    ("3.000228", 2): 'ghi chú "Trong đó cung cấp rõ số thuê bao di động chính chủ ..." (thuộc mẫu TK01)',
}

# Case headings of the source (documents[].case_vi), by prefix: the condition
# they imply, or None when the heading is not a condition.
CASE_CONDITIONS = [
    ("Giấy tờ phải nộp", None),
    ("Giấy tờ phải xuất trình", None),
    ("Người yêu cầu chứng thực phải xuất trình", None),
    ("Người yêu cầu chứng thực nộp 01", None),
    ("Hồ sơ đăng ký tạm trú gồm", None),
    ("Hồ sơ gia hạn tạm trú gồm", None),
    ("1. Hồ sơ thu hồi", None),
    ("2. Hồ sơ đăng ký", None),
    ("Thành phần hồ sơ", None),
    ("Đăng ký thành lập công ty TNHH một thành viên", None),
    ("Đăng ký thành lập doanh nghiệp tư nhân", None),
    ("Đăng ký thành lập công ty cổ phần", None),
    ("Người được chăm sóc, nuôi dưỡng, trợ giúp",
     "Người được chăm sóc, nuôi dưỡng, trợ giúp được đăng ký thường trú tại cơ sở trợ giúp xã hội "
     "hoặc vào hộ gia đình nhận chăm sóc, nuôi dưỡng, trợ giúp"),
    ("Đăng ký thường trú tại chỗ ở hợp pháp không thuộc quyền sở hữu",
     "Đăng ký thường trú tại chỗ ở hợp pháp không thuộc quyền sở hữu của mình đối với những trường "
     "hợp quy định tại khoản 2 Điều 20 Luật Cư trú"),
    ("Đăng ký thường trú tại cơ sở tín ngưỡng",
     "Đăng ký thường trú tại cơ sở tín ngưỡng, cơ sở tôn giáo có công trình phụ trợ là nhà ở"),
    ("Đăng ký thường trú tại nơi đơn vị đóng quân",
     "Đăng ký thường trú tại nơi đơn vị đóng quân trong Công an nhân dân, Quân đội nhân dân (đơn vị "
     "đóng quân, nhà ở công vụ)"),
    ("Đăng ký thường trú vào chỗ ở hợp pháp do thuê",
     "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ"),
    ("Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu",
     "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"),
    ("Đăng ký tạm trú theo danh sách", "Đăng ký tạm trú theo danh sách"),
    ("Đăng ký tạm trú tại nơi đơn vị đóng quân",
     "Đăng ký tạm trú tại nơi đơn vị đóng quân trong Công an nhân dân, Quân đội nhân dân (đơn vị "
     "đóng quân, nhà ở công vụ)"),
    ("Gia hạn tạm trú theo danh sách", "Gia hạn tạm trú theo danh sách"),
    ("Gia hạn tạm trú tại nơi đơn vị đóng quân",
     "Gia hạn tạm trú tại nơi đơn vị đóng quân trong Công an nhân dân, Quân đội nhân dân (nơi đơn "
     "vị đóng quân, nhà ở công vụ)"),
    ("Trường hợp thành viên hộ gia đình đăng ký tách hộ là vợ, chồng đã ly hôn",
     "Trường hợp thành viên hộ gia đình đăng ký tách hộ là vợ, chồng đã ly hôn mà vẫn được ở cùng "
     "chỗ ở hợp pháp"),
    ("Tách hộ để đăng ký thường trú tại cùng một chỗ ở hợp pháp",
     "Tách hộ để đăng ký thường trú tại cùng một chỗ ở hợp pháp"),
    ("Công dân đã được cấp thẻ Căn cước công dân gắn chip",
     "Công dân đã được cấp thẻ Căn cước công dân gắn chip điện tử, thẻ căn cước còn hiệu lực"),
    ("Trường hợp công dân chưa được cấp thẻ Căn cước công dân gắn chip",
     "Trường hợp công dân chưa được cấp thẻ Căn cước công dân gắn chip điện tử, thẻ căn cước hoặc "
     "thẻ hết hiệu lực"),
    ("Trường hợp ủy quyền thực hiện thủ tục thì hồ sơ phải kèm theo",
     "Trường hợp ủy quyền thực hiện thủ tục"),
    ("Trường hợp hộ kinh doanh do thành viên hộ gia đình đăng ký thành lập thay đổi chủ hộ",
     "Trường hợp hộ kinh doanh do thành viên hộ gia đình đăng ký thành lập thay đổi chủ hộ do chủ "
     "hộ chết hoặc bị Tòa án tuyên bố đã chết, mất tích, bị hạn chế hoặc mất năng lực hành vi dân "
     "sự, có khó khăn trong nhận thức, làm chủ hành vi"),
    ("Trường hợp nội dung đăng ký thay đổi về",
     "Trường hợp nội dung đăng ký thay đổi về: tên hộ kinh doanh, địa chỉ trụ sở, vốn kinh doanh, "
     "ngành, nghề kinh doanh và nội dung đăng ký thuế của hộ kinh doanh, trừ phương pháp tính thuế"),
    ("Trường hợp thay đổi chủ hộ kinh doanh do các thành viên hộ gia đình",
     "Trường hợp thay đổi chủ hộ kinh doanh do các thành viên hộ gia đình đăng ký hộ kinh doanh ủy "
     "quyền cho một trong các thành viên còn lại làm chủ hộ kinh doanh"),
    ("Trường hợp thay đổi thành viên hộ gia đình đăng ký hộ kinh doanh",
     "Trường hợp thay đổi thành viên hộ gia đình đăng ký hộ kinh doanh"),
    ("Trường hợp đăng ký doanh nghiệp xã hội", "Trường hợp đăng ký doanh nghiệp xã hội"),
    ("Trường hợp đăng ký doanh nghiệp đối với công ty chứng khoán",
     "Trường hợp đăng ký doanh nghiệp đối với công ty chứng khoán, công ty quản lý quỹ đầu tư chứng "
     "khoán, công ty đầu tư chứng khoán"),
    ("Trường hợp đăng ký thành lập doanh nghiệp trên cơ sở chuyển đổi từ hộ kinh doanh",
     "Trường hợp đăng ký thành lập doanh nghiệp trên cơ sở chuyển đổi từ hộ kinh doanh"),
    ("Trường hợp đăng ký thành lập doanh nghiệp xã hội trên cơ sở chuyển đổi",
     "Trường hợp đăng ký thành lập doanh nghiệp xã hội trên cơ sở chuyển đổi từ cơ sở bảo trợ xã "
     "hội, quỹ xã hội, quỹ từ thiện"),
    ("Trường hợp ủy quyền cho cá nhân thực hiện thủ tục đăng ký doanh nghiệp",
     "Trường hợp ủy quyền cho cá nhân thực hiện thủ tục đăng ký doanh nghiệp"),
    ("Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp",
     "Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp"),
    ("Trường hợp ủy quyền cho đơn vị cung cấp dịch vụ bưu chính công ích",
     "Trường hợp ủy quyền cho đơn vị cung cấp dịch vụ bưu chính công ích thực hiện thủ tục đăng ký "
     "doanh nghiệp"),
    ("Trường hợp ủy quyền cho đơn vị cung cấp dịch vụ bưu chính không phải là bưu chính công ích",
     "Trường hợp ủy quyền cho đơn vị cung cấp dịch vụ bưu chính không phải là bưu chính công ích "
     "thực hiện thủ tục đăng ký doanh nghiệp"),
    ("(1.7) Đối với công trình nhà ở riêng lẻ", "Đối với công trình nhà ở riêng lẻ"),
    ("a) Đối với trường hợp chuyển đổi, chuyển nhượng",
     "Đối với trường hợp chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn, cho thuê, cho thuê "
     "lại quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất; bán, tặng cho, để thừa kế, góp "
     "vốn bằng tài sản gắn liền với đất thuê trả tiền hàng năm"),
    ("b) Đối với trường hợp người sử dụng đất tặng cho",
     "Đối với trường hợp người sử dụng đất tặng cho quyền sử dụng đất cho Nhà nước hoặc cộng đồng "
     "dân cư hoặc mở rộng đường giao thông"),
    ("a) Đối với trường hợp thực hiện thủ tục đăng ký, cấp Giấy chứng nhận cho hộ gia đình",
     "Đối với trường hợp thực hiện thủ tục đăng ký, cấp Giấy chứng nhận cho hộ gia đình, cá nhân, "
     "cộng đồng dân cư"),
    ("b) Đối với trường hợp thực hiện thủ tục đăng ký, cấp Giấy chứng nhận lần đầu cho người gốc",
     "Đối với trường hợp thực hiện thủ tục đăng ký, cấp Giấy chứng nhận lần đầu cho người gốc Việt "
     "Nam định cư ở nước ngoài"),
    ("c) Đối với trường hợp thực hiện thủ tục cấp Giấy chứng nhận",
     "Đối với trường hợp cấp Giấy chứng nhận cho cá nhân, cộng đồng dân cư, hộ gia đình, người gốc "
     "Việt Nam định cư ở nước ngoài đã có Thông báo xác nhận kết quả đăng ký đất đai"),
    ("a) Thành phần hồ sơ giao đất, cho thuê đất không thông qua",
     "Giao đất, cho thuê đất không đấu giá, không đấu thầu, thuộc diện chấp thuận chủ trương đầu "
     "tư, chấp thuận nhà đầu tư theo pháp luật về đầu tư"),
    ("b) Thành phần hồ sơ giao đất, cho thuê đất không thông qua",
     "Giao đất, cho thuê đất không đấu giá, không đấu thầu, thuộc diện không chấp thuận chủ trương "
     "đầu tư, chấp thuận nhà đầu tư theo pháp luật về đầu tư"),
    ("c) Thành phần hồ sơ khi giao đất, cho thuê đất thông qua đấu thầu",
     "Giao đất, cho thuê đất thông qua đấu thầu lựa chọn nhà đầu tư thực hiện dự án có sử dụng đất"),
    ("d) Thành phần hồ sơ chuyển mục đích sử dụng đất thuộc diện chấp thuận",
     "Chuyển mục đích sử dụng đất thuộc diện chấp thuận chủ trương đầu tư, chấp thuận nhà đầu tư "
     "theo pháp luật về đầu tư"),
    ("đ) Thành phần hồ sơ chuyển mục đích sử dụng đất thuộc diện không chấp thuận",
     "Chuyển mục đích sử dụng đất thuộc diện không chấp thuận chủ trương đầu tư, chấp thuận nhà đầu "
     "tư theo pháp luật về đầu tư"),
    ("e)  Thành phần hồ sơ giao đất, cho thuê đất đối với đất nông nghiệp",
     "Giao đất, cho thuê đất đối với đất nông nghiệp do tổ chức, tổ chức kinh tế có vốn đầu tư "
     "nước ngoài sử dụng"),
    ("g) Thành phần hồ sơ giao đất, cho thuê đất đối với đất do các công ty nông, lâm nghiệp",
     "Giao đất, cho thuê đất đối với đất do các công ty nông, lâm nghiệp quản lý, sử dụng"),
    ("h) Thành phần hồ sơ gia hạn sử dụng đất", "Gia hạn sử dụng đất"),
    ("1. Đối với người tham gia", "Hồ sơ do người tham gia nộp"),
    ("2. Đơn vị; UBND xã;",
     "Hồ sơ do đơn vị, UBND xã, cơ sở trợ giúp xã hội, cơ sở nuôi dưỡng, điều dưỡng thương binh và "
     "người có công, cơ sở giáo dục nghề nghiệp, tổ chức dịch vụ hoặc cơ sở giáo dục nộp"),
    ("3. Phòng/Tổ chế độ BHXH", "Hồ sơ do Phòng/Tổ chế độ BHXH lập"),
    ("4. Trường hợp hoàn trả tiền đã đóng", "Trường hợp hoàn trả tiền đã đóng"),
    ("A - Đối với cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH",
     "Đối với cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH"),
    ("B - Đối với cấp lại, đổi, điều chỉnh thông tin trên thẻ BHYT",
     "Đối với cấp lại, đổi, điều chỉnh thông tin trên thẻ BHYT"),
    ("1. Trường hợp hưởng BHXH một lần", None),
    ("2. Đối với người lao động là công dân nước ngoài",
     "Đối với người lao động là công dân nước ngoài làm việc tại Việt Nam hưởng BHXH một lần"),
    ("1. NLĐ tham gia BHXH bắt buộc",
     "Người lao động tham gia BHXH bắt buộc (đơn vị lập Danh sách 01B-HSB) hoặc người tự nộp theo "
     "Mẫu số 14-HSB"),
    ("2. Trường hợp người hưởng là người sinh con",
     "Trường hợp người hưởng là người sinh con, nhận con, nhận nuôi con nuôi trong thời gian bảo "
     "lưu thời gian đóng BHXH do đã thôi việc, phục viên, xuất ngũ trước thời điểm đó"),
    ("3. Trường hợp các hồ sơ quy định tại các điểm",
     "Trường hợp giấy tờ do cơ quan, tổ chức, cá nhân có thẩm quyền của nước ngoài cấp"),
    ("4. Trường hợp bất khả kháng do thiên tai",
     "Trường hợp bất khả kháng do thiên tai, thảm họa, dịch bệnh (thay cho giấy tờ do cơ sở khám "
     "bệnh, chữa bệnh cấp)"),
]

# Per-document overrides: (code, source index) -> fields to set.
DOC_OVERRIDES = {
    # The two vehicle documents have no case heading in the crawl (a heading
    # repeats); they presumably belong to the "phương tiện" case: demo value.
    ("1.004222", 0): {"requirement": "conditional",
                      "condition": "Trường hợp đăng ký thường trú tại phương tiện được sử dụng để ở",
                      "demo": ["condition"]},
    ("1.004222", 1): {"requirement": "conditional",
                      "condition": "Trường hợp đăng ký thường trú tại phương tiện được sử dụng để ở",
                      "demo": ["condition"]},
    ("1.001613", 1): {"requirement": "conditional",
                      "condition": "Trường hợp bị mắc những bệnh nguy hiểm đến tính mạng (ung thư, "
                                   "bại liệt, xơ gan cổ chướng, phong, lao nặng, nhiễm HIV đã chuyển "
                                   "sang giai đoạn AIDS) hoặc bệnh khác không tự phục vụ được"},
    ("3.000333", 5): {"requirement": "conditional",
                      "condition": "Trường hợp ủy quyền cho người khác yêu cầu cấp Phiếu Lý lịch tư "
                                   "pháp số 1"},
    # "(nếu có)" there belongs to the last item of a list, not to the document
    ("1.013978", 6): {"condition": "Đối với trường hợp thực hiện thủ tục đăng ký, cấp Giấy chứng "
                                   "nhận cho hộ gia đình, cá nhân, cộng đồng dân cư"},
    ("2.001035", 0): {"condition": "Đối với tài sản mà pháp luật quy định phải đăng ký quyền sở hữu, "
                                   "quyền sử dụng"},
    ("1.014063", 1): {"requirement": "conditional",
                      "condition": "Khi làm thủ tục cho người dưới 14 tuổi"},
    ("1.014064", 1): {"requirement": "conditional",
                      "condition": "Khi làm thủ tục cho người dưới 14 tuổi"},
    ("1.001456", 1): {"template": "Mẫu TK01 (từ 14 tuổi trở lên), Mẫu TK01a (người chưa đủ 14 "
                                  "tuổi) (Thông tư 31/2023/TT-BCA)"},
    ("1.013225", 2): {"template": "Mẫu số 1 Phụ lục II (Nghị định 175/2024/NĐ-CP)"},
    ("3.000347", 0): {"template": "Mẫu tại Phụ lục XII (Thông tư 12/2025/TT-BCA)"},
    ("3.000348", 0): {"template": "Mẫu tại Phụ lục XII (Thông tư 12/2025/TT-BCA)"},
}
# 2.000693: the crawl attached the form files 01B-HSB / 14-HSB to the medical
# documents of the same rows; they are forms of the case, not of those papers.
NO_TEMPLATE_FROM_FORM_FILE = {"2.000693"}


# --------------------------------------------------------------------------
# Fees, per procedure: fee items per channel, fee_note and channel notes.
# --------------------------------------------------------------------------

def fee(label: str, amount: int | None, online_amount: int | None = None) -> dict:
    return {"label": label, "amount": amount, "online_amount": online_amount}


def desc_of(fee_vi: str) -> str | None:
    """The description in parentheses of a fee cell "Miễn phí (…)"."""
    m = re.match(r"^Miễn phí \((.*)\)\s*$", fee_vi, re.S)
    return re.sub(r"^-\s*", "", m.group(1).strip()) if m else None


FREE_CELL = ('Ô "Phí, lệ phí" trên trang ghi "Miễn phí", trái với mô tả; '
             'số tiền để trống (null).')


def with_free_cell(desc: str) -> str:
    if desc.endswith("..."):  # shortened in the source: keep the ellipsis
        return desc + " " + FREE_CELL
    return desc.rstrip(" .") + ". " + FREE_CELL


def fee_spec(r: dict) -> dict:
    """Fees of one procedure: {"all": [...]} or per channel, note, channel_notes.

    Every procedure is decided here explicitly, so that a new source record
    fails loudly instead of being converted silently.
    """
    code = r["code"]
    fv = r["fee_vi"] or ""
    d = desc_of(fv)
    hdnd_civil = {"1.004873", "1.004884", "1.004859", "1.001022", "1.000689", "2.000528",
                  "2.000806", "1.000656"}
    free = {"1.001193", "2.001023", "1.010041", "1.001939", "1.002759", "1.001613", "2.000693"}
    land = {"1.013831", "1.013978", "1.012783", "1.012784", "1.013949"}
    no_info = {"2.001159", "1.014061", "3.000228"}
    if code in free:
        return {"all": [fee("Phí, lệ phí", 0)], "note": None}
    if code in no_info:
        return {"all": [], "note": None}
    if code in hdnd_civil:
        labels = {
            "1.000656": "Lệ phí đăng ký khai tử",
            "1.004873": "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân",
            "1.004884": "Lệ phí đăng ký lại khai sinh",
            "1.004859": "Lệ phí đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định "
                        "lại dân tộc",
            "1.001022": "Lệ phí đăng ký nhận cha, mẹ, con",
            "1.000689": "Lệ phí đăng ký khai sinh kết hợp nhận cha, mẹ, con",
            "2.000528": "Lệ phí đăng ký khai sinh có yếu tố nước ngoài",
            "2.000806": "Lệ phí đăng ký kết hôn có yếu tố nước ngoài",
        }
        assert d, code
        fix(code, '"Miễn phí" trái với mô tả (mức do HĐND tỉnh quyết định): số tiền null, '
                  'quy định đưa vào fee_note')
        return {"all": [fee(labels[code], None)], "note": with_free_cell(d)}
    if code == "1.000894":
        return {"all": [fee("Lệ phí đăng ký kết hôn", 0)], "note": d}
    if code == "1.004837":
        return {"all": [fee("Lệ phí đăng ký giám hộ", 0)], "note": d}
    if code == "2.000635":
        return {"all": [fee("Phí cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", 8000)],
                "note": None}
    if code == "2.000986":
        fix(code, 'Trình tự nêu "tạm thu lệ phí đăng ký thường trú cho trẻ em" dù ô phí ghi '
                  '"Miễn phí": thêm khoản lệ phí đăng ký thường trú (số tiền null) và ghi chú')
        return {"all": [fee("Phí, lệ phí (theo ô phí trên trang)", 0),
                        fee("Lệ phí đăng ký thường trú cho trẻ em", None)],
                "note": 'Ô "Phí, lệ phí" ghi "Miễn phí". Trình tự thực hiện: cán bộ tiếp nhận '
                        '"tạm thu lệ phí đăng ký thường trú cho trẻ em theo quy định"; trang '
                        'không ghi số tiền.'}
    if code == "2.000815":
        return {"all": [
            fee("Phí chứng thực bản sao từ bản chính, trang thứ nhất và thứ hai, đồng/trang", 2000),
            fee("Phí chứng thực bản sao từ bản chính, từ trang thứ ba trở lên, đồng/trang", 1000),
            fee("Phí chứng thực bản sao từ bản chính, mức tối đa, đồng/bản", 200000)],
            "note": "Tại Ủy ban nhân dân cấp xã, Tổ chức hành nghề công chứng: 2.000 đồng/trang; từ "
                    "trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 "
                    "đồng/bản. Trang là căn cứ để thu phí được tính theo trang của bản chính. Tại "
                    "cơ quan đại diện: 10 USD/bản."}
    if code == "2.000884":
        return {"all": [fee("Phí chứng thực chữ ký, đồng/trường hợp", 10000)],
                "note": "Tại Ủy ban nhân dân cấp xã, Tổ chức hành nghề công chứng: 10.000 "
                        "đồng/trường hợp (trường hợp được tính là một hoặc nhiều chữ ký trong một "
                        "giấy tờ, văn bản). Tại cơ quan đại diện: 10 USD/bản."}
    if code == "2.001035":
        fix(code, 'fee_note: "Nghị định số 55/2015/NĐ-về" sửa thành "Nghị định số 55/2015/NĐ-CP"')
        return {"all": [fee("Phí chứng thực hợp đồng, giao dịch, đồng/giao dịch", 50000)],
                "note": "Cá nhân, hộ gia đình vay vốn tại tổ chức tín dụng để phục vụ phát triển "
                        "nông nghiệp, nông thôn theo quy định tại Nghị định số 55/2015/NĐ-CP về "
                        "chính sách tín dụng phục vụ phát triển nông nghiệp, nông thôn thì không "
                        "phải nộp phí chứng thực hợp đồng thế chấp tài sản."}
    if code == "1.004222":
        return {"all": [fee("Lệ phí đăng ký thường trú, đồng/lần đăng ký", 20000, 10000)],
                "note": "Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 "
                        "đồng/lần đăng ký. Trường hợp công dân thuộc diện được miễn phí theo quy "
                        "định tại Điều 4 Thông tư số 75/2022/TT-BTC ... được sửa đổi, bổ sung tại "
                        "Thông tư số 71/2025/TT-BTC ngày 01/7/2025 của Bộ Tài chính thì công dân "
                        "phải xuất trình giấy tờ chứng minh thuộc diện được miễn ..."}
    if code == "1.004194":
        fix(code, "mức trực tiếp (theo danh sách) và mức trực tuyến (cá nhân, hộ gia đình) là hai "
                  "khoản khác nhau: tách thành hai khoản, mỗi khoản ở kênh của nó")
        return {"per_channel": {
            "online": [fee("Lệ phí đăng ký tạm trú (cá nhân, hộ gia đình), đồng/lần đăng ký",
                           None, 7000)],
            "in_person": [fee("Lệ phí đăng ký tạm trú theo danh sách, đồng/người/lần đăng ký",
                              10000)]},
            "note": "Đăng ký tạm trú (cá nhân, hộ gia đình): trường hợp công dân nộp hồ sơ qua cổng "
                    "dịch vụ công trực tuyến thu 7.000 đồng/lần đăng ký. Đăng ký tạm trú theo danh "
                    "sách: trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 đồng/người/lần đăng "
                    "ký. Trang không ghi các mức còn lại."}
    if code == "1.002755":
        fix(code, "ô phí trực tuyến ghi 5.000 đ nhưng mô tả ghi 7.000 đồng/lần đăng ký: dùng mức "
                  "của mô tả; mức trực tiếp (theo danh sách) để ở kênh trực tiếp")
        return {"per_channel": {
            "online": [fee("Lệ phí gia hạn tạm trú (cá nhân, hộ gia đình), đồng/lần đăng ký",
                           None, 7000)],
            "in_person": [fee("Lệ phí gia hạn tạm trú theo danh sách, đồng/người/lần đăng ký",
                              10000)]},
            "note": "Gia hạn tạm trú (cá nhân, hộ gia đình): trường hợp công dân nộp hồ sơ qua cổng "
                    "dịch vụ công trực tuyến thu 7.000 đồng/lần đăng ký. Gia hạn tạm trú theo danh "
                    "sách: trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 đồng/người/lần đăng "
                    "ký. Trang không ghi các mức còn lại.",
            "channel_notes": {"online": 'Ô phí trực tuyến trên trang ghi 5.000 đ, trái với mô tả '
                                        '(7.000 đồng/lần đăng ký); dùng mức của mô tả.'}}
    if code == "1.010038":
        return {"all": [fee("Lệ phí tách hộ, đồng/lần đăng ký", 10000, 5000)], "note": None}
    if code in ("1.014063", "1.014064"):
        what, base, half, clause = (("cấp đổi", 50000, "25.000", "khoản 1") if code == "1.014063"
                                    else ("cấp lại", 70000, "35.000", "khoản 2"))
        fix(code, "mức giảm 50% cho hồ sơ trực tuyến (01/01/2025–31/12/2025) đã hết hạn: chỉ ghi "
                  "trong fee_note; mức giảm 50% theo TT 64/2025/TT-BTC (đến 31/12/2026) ghi trong "
                  "fee_note")
        return {"all": [fee(f"Lệ phí {what} thẻ căn cước, đồng/thẻ", base)],
                "note": f"{what.capitalize()} thẻ căn cước đối với các trường hợp quy định tại "
                        f"{clause} Điều 24 Luật Căn cước: {base // 1000}.000 đồng/thẻ căn cước. Kể từ "
                        "ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ "
                        "căn cước bằng 50% mức thu nêu trên theo quy định tại Thông tư số "
                        f"64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính (tức {half} đồng/thẻ). "
                        "Mức giảm 50% khi nộp hồ sơ trực tuyến từ ngày 01/01/2025 đến hết ngày "
                        "31/12/2025 mà trang còn ghi đã hết thời hạn."}
    if code == "1.001456":
        fix(code, "mức 160.000 đ / 320.000 đ cho hồ sơ trực tuyến, bưu chính chỉ áp dụng đến hết "
                  "31/12/2023 (TT 44/2023/TT-BTC): không dùng làm giá, ghi trong fee_note")
        note = ("Thời hạn áp dụng đã hết: mức 160.000 đ/hộ chiếu (320.000 đ khi cấp lại do hỏng, "
                "mất) chỉ áp dụng đến hết ngày 31/12/2023.")
        return {"all": [fee("Lệ phí cấp hộ chiếu phổ thông, đồng/hộ chiếu", 200000),
                        fee("Lệ phí cấp lại hộ chiếu do bị hỏng hoặc bị mất, đồng/hộ chiếu", 400000)],
                "note": "200.000đ/hộ chiếu. Trường hợp cấp lại do bị hỏng hoặc bị mất: 400.000đ/hộ "
                        "chiếu (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính). Trang "
                        "còn ghi mức 160.000đ/hộ chiếu, 320.000đ/hộ chiếu khi cấp lại do hư hỏng "
                        "hoặc bị mất, cho hình thức trực tuyến và dịch vụ bưu chính, \"áp dụng đến hết "
                        "ngày 31/12/2023 theo Thông tư số 44/2023/TT-BTC ngày 29/6/2023 của Bộ tài "
                        "chính\": mức này đã hết thời hạn.",
                "channel_notes": {"online": note, "post": note}}
    if code == "3.000333":
        fix(code, '"Miễn phí" trái với mô tả (phí theo TT 244/2016/TT-BTC): số tiền null')
        return {"all": [fee("Phí cung cấp thông tin lý lịch tư pháp", None)],
                "note": with_free_cell(d)}
    if code in ("1.012575", "1.013076"):
        fix(code, '"Miễn phí" trái với mô tả (lệ phí theo TT 60/2023/TT-BTC): số tiền null')
        return {"all": [fee("Lệ phí đăng ký, cấp biển số xe", None)], "note": with_free_cell(d)}
    if code in ("3.000347", "3.000348"):
        fix(code, '"Miễn phí" trái với mô tả (135.000 đồng/lần): dùng mức của mô tả; mức trực '
                  'tuyến 115.000 đ (01/12/2023–31/12/2025) đã hết hạn, chỉ ghi trong fee_note')
        note = "Mức 115.000 đồng/lần khi nộp trực tuyến chỉ áp dụng đến hết ngày 31/12/2025."
        return {"all": [fee("Lệ phí cấp giấy phép lái xe, đồng/lần", 135000)],
                "note": "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. Trường hợp tổ chức, cá nhân "
                        "nộp hồ sơ theo hình thức trực tuyến: kể từ ngày 01/12/2023 đến hết ngày "
                        "31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng/lần cấp (đã hết thời "
                        f"hạn). {FREE_CELL.replace('; số tiền để trống (null).', '.')}",
                "channel_notes": {"online": note}}
    if code == "1.001612":
        fix(code, "ô phí ghi 150.000 đ (trực tuyến, bưu chính) và 50.000 đ (trực tiếp) nhưng mô tả "
                  "nói mức do HĐND tỉnh quyết định: số tiền null, số trên trang ghi ở ghi chú kênh")
        return {"all": [fee("Lệ phí đăng ký hộ kinh doanh", None)],
                "note": "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định (căn cứ quy định tại "
                        "Thông tư số 85/2019/TT-BTC). ... Lệ phí đăng ký hộ kinh doanh không được "
                        "hoàn trả cho hộ kinh doanh trong trường hợp hộ kinh doanh không được cấp "
                        "đăng ký hộ kinh doanh. Lệ phí đăng ký kinh doanh không bao gồm tiền sử dụng "
                        "dịch vụ thanh toán điện tử.",
                "channel_notes": {
                    "online": "Ô phí trên trang ghi 150.000 đ, trái với mô tả (mức do HĐND tỉnh "
                              "quyết định).",
                    "post": "Ô phí trên trang ghi 150.000 đ, trái với mô tả (mức do HĐND tỉnh "
                            "quyết định).",
                    "in_person": "Ô phí trên trang ghi 50.000 đ, trái với mô tả (mức do HĐND tỉnh "
                                 "quyết định)."}}
    if code == "2.000720":
        fix(code, '"Miễn phí" trái với mô tả (mức do HĐND tỉnh quyết định): số tiền null')
        return {"all": [fee("Lệ phí đăng ký thay đổi nội dung đăng ký hộ kinh doanh", None)],
                "note": with_free_cell(d)}
    if code in ("2.001583", "2.002043"):
        fix(code, "mô tả phí gắn sai hàng (phí công bố ở hàng trực tuyến và trực tiếp, lệ phí ở hàng "
                  "bưu chính): cả hai khoản áp dụng cho mọi kênh; phí công bố 100.000 đ theo mô tả, "
                  "lệ phí đăng ký doanh nghiệp null; tổng trong ô ghi ở ghi chú kênh")
        cell = {"online": "100.000", "post": "100.000", "in_person": "50.000"}
        return {"all": [fee("Phí công bố nội dung đăng ký doanh nghiệp, đồng/lần", 100000),
                        fee("Lệ phí đăng ký doanh nghiệp", None)],
                "note": "Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần (Thông tư số "
                        "47/2019/TT-BTC). Lệ phí đăng ký doanh nghiệp: bằng 50% mức thu lệ phí quy "
                        "định tại điểm 1 Biểu phí, lệ phí đăng ký doanh nghiệp ban hành kèm theo "
                        "Thông tư số 47/2019/TT-BTC (Thông tư số 64/2025/TT-BTC ngày 30 tháng 6 năm "
                        "2025 của Bộ Tài chính ...). Trường hợp doanh nghiệp không được cấp đăng ký "
                        "doanh nghiệp, doanh nghiệp được hoàn trả phí công bố. Trên trang, các mô tả "
                        "này gắn sai hàng; số tiền lệ phí không được ghi.",
                "channel_notes": {c: f"Ô phí trên trang ghi {v} đ (không rõ gồm những khoản nào)."
                                  for c, v in cell.items()}}
    if code == "2.001610":
        fix(code, 'ô phí trực tuyến "100 VNĐ" sửa thành 100.000 đ theo mô tả (phí công bố nội dung '
                  'đăng ký doanh nghiệp: 100.000 đồng/lần)')
        return {"all": [fee("Phí công bố nội dung đăng ký doanh nghiệp, đồng/lần", 100000)],
                "note": "Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần (Thông tư số "
                        "47/2019/TT-BTC). Trường hợp doanh nghiệp không được cấp đăng ký doanh "
                        "nghiệp, doanh nghiệp được hoàn trả phí công bố.",
                "channel_notes": {"online": 'Ô phí trực tuyến trên trang ghi "100 VNĐ"; mô tả ghi '
                                            '100.000 đồng/lần, đã sửa theo mô tả.'}}
    if code == "1.013225":
        fix(code, '"Miễn phí" trái với mô tả (theo quy định của HĐND cấp tỉnh): số tiền null')
        return {"all": [fee("Lệ phí cấp giấy phép xây dựng", None)], "note": with_free_cell(d)}
    if code in land:
        fix(code, '"Miễn phí" trái với mô tả (theo Luật phí và lệ phí): số tiền null')
        return {"all": [fee("Phí, lệ phí", None)], "note": with_free_cell(d)}
    raise SystemExit(f"build-catalog: no fee rule for {code} ({fv!r})")


# --------------------------------------------------------------------------
# Conversion helpers
# --------------------------------------------------------------------------

def clean(text: str | None, code: str) -> str | None:
    """Whitespace normalisation and the typo fixes of TYPOS."""
    if text is None:
        return None
    t = re.sub(r"[ \t\u00a0]+", " ", text).strip()
    for c, wrong, right in TYPOS:
        if c == code:
            t2 = re.sub(wrong, right, t)
            if t2 != t:
                t = t2
                fix(code, f'"{wrong.replace(chr(92), "").rstrip("$")}" sửa thành "{right}"')
    return t


def split_agencies(text: str) -> list[str]:
    """Split "A, B" into agencies; a part starting in lower case belongs to the
    previous one ("Ủy ban Nhân dân xã, phường, thị trấn")."""
    parts: list[str] = []
    for p in text.rstrip(".").split(", "):
        p = p.strip()
        if parts and p[:1].islower():
            parts[-1] += ", " + p
        else:
            parts.append(p)
    return parts


def case_condition(case: str | None) -> tuple[bool, str | None]:
    """(heading is a condition, condition text)."""
    if case is None:
        return False, None
    for prefix, cond in CASE_CONDITIONS:
        if case.startswith(prefix):
            return cond is not None, cond
    raise SystemExit(f"build-catalog: unknown document heading {case[:80]!r}")


def first_clause(text: str) -> str:
    return re.split(r"[;)]|\.(?:\s|$)", text, maxsplit=1)[0].strip().rstrip(",;:.")


def shorten(text: str, limit: int = 300) -> str:
    """A condition of at most `limit` characters, cut at a comma, ending in "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(", ", 1)[0]
    return cut.rstrip(",;: ") + " …"


def name_condition(name: str) -> tuple[str, str] | None:
    """The condition the wording of a document states, if any, as (kind, text):
    kind "own" replaces the condition of the case heading, "refine" is added to it."""
    n = re.sub(r"^[\-\*\s]*(?:\([ivx]+\)|[a-zđ]\)|\d+(?:\.\d+)*\.)\s*", "", name)
    m = re.match(r"(Trường hợp .+?)(?:\s+thì\b|\s+phải\b|, kèm theo\b|,\s*hồ sơ (?:kèm theo )?bao "
                 r"gồm|[;:.]|$)", n)
    if m:
        return "own", m.group(1).strip()
    m = re.match(r"(Đối với [^:,;]+?)(?:\s+phải\b|[:,;])", n)
    if m:
        return "refine", m.group(1).strip()
    # the rest is trusted only in the first sentence or list item of the text
    head = re.split(r";|\.(?:\s|$)", n, maxsplit=1)[0]
    if head.rstrip(" .").endswith("(nếu có)"):
        return "refine", "Nếu có"
    m = (re.search(r"\((nếu [^)]*)\)", head)
         or re.search(r"\((nếu [^)]*)\)\s*[;.]?\s*$", n))
    if m and m.group(1) != "nếu có":
        return "refine", "N" + m.group(1)[1:].strip().rstrip(";,.")
    m = re.search(r"\((đối với [^)]*|trừ [^)]*)\)", head)
    if m:
        c = m.group(1).strip()
        return "refine", c[0].upper() + c[1:]
    m = re.match(r"([^.;:()]{10,160}?)\s+phải nộp\b", n)
    if m:
        return "refine", m.group(1).strip()
    # mid-sentence wording, trusted only in a short text that is not a list
    if len(n) < 600 and " - " not in n:
        m = re.search(r"\b(trong trường hợp|đối với trường hợp|đối với người|khi làm thủ tục "
                      r"trực tiếp)\b(.*)", head)
        if m:
            c = first_clause(m.group(1) + m.group(2))
            return "refine", c[0].upper() + c[1:]
    return None


def combine_condition(case_cond: str | None, named: tuple[str, str] | None) -> str | None:
    if named is None:
        return case_cond
    kind, text = named
    if kind == "own" or not case_cond:
        return shorten(text)
    return shorten(f"{shorten(case_cond, 200)}; {text[0].lower()}{text[1:]}", 400)


ACT = re.compile(r"^\s*(?:\)\s*)?ban hành kèm theo (Thông tư|Nghị định|Quyết định) số "
                 r"(\d+/\d{4}/[A-ZĐ\-]+)")


def template_of(name: str, form_file: str | None, use_form_file: bool) -> str | None:
    found: list[str] = []
    for m in re.finditer(r"\b[Mm]ẫu\s+(số\s+)?([0-9A-ZĐ][0-9A-Za-zĐđ\-/.]*)", name):
        code = m.group(2).rstrip(".")
        t = ("Mẫu số " if m.group(1) else "Mẫu ") + code
        act = ACT.match(name[m.end():])
        if act:
            t += f" ({act.group(1)} {act.group(2)})"
        if t not in found and not any(f.startswith(t + " (") for f in found):
            found.append(t)
    if found:
        return ", ".join(found)
    if re.match(r"Mẫu [a-zđ]", name):  # "Mẫu hộ tịch điện tử tương tác …"
        return re.split(r"\s*\(|, trong đó", name, maxsplit=1)[0].strip()
    m = re.match(r"(.+?)\s*\(?\s*theo mẫu\b(?! do)", name)
    if m and len(m.group(1)) < 200:
        return m.group(1).strip().rstrip(",;")
    if use_form_file and form_file:
        m = re.search(r"([A-ZĐ]{2,}\d+[a-z]?)", form_file)
        if m:
            return "Mẫu " + m.group(1)
    return None


def convert_documents(r: dict, demo: list[str]) -> list[dict]:
    code = r["code"]
    out: list[dict] = []
    for i, d in enumerate(r["documents"]):
        if (code, i) in DOC_DROP:
            fix(code, f"bỏ khỏi thành phần hồ sơ (không phải giấy tờ): {DOC_DROP[(code, i)]}")
            continue
        name = clean(d["name_vi"], code)
        name = re.sub(r"^-\s+", "", name)
        case = d["case_vi"]
        case_is_cond, case_cond = case_condition(case)
        if case and "nhân nhân" in case:
            fix(code, 'tiêu đề nhóm hồ sơ "Quân đội nhân nhân…" sửa thành "Quân đội nhân dân" '
                      '(trong condition)')
        cond = combine_condition(case_cond if case_is_cond else None, name_condition(name))
        show = bool(case and "xuất trình" in case) or name.startswith(("Xuất trình",
                                                                       "Thông tin chứng minh"))
        doc = {
            "name": name,
            "originals": int(d["original_count"]),
            "copies": int(d["copy_count"]),
            "requirement": "conditional" if cond else "required",
            "condition": cond,
            "presentation": "show" if show else "submit",
            "template": template_of(name, d.get("form_file_vi"),
                                    code not in NO_TEMPLATE_FROM_FORM_FILE),
        }
        ov = DOC_OVERRIDES.get((code, i), {})
        for k, v in ov.items():
            if k != "demo":
                doc[k] = v
        for k in ov.get("demo", []):
            demo.append(f"documents[{len(out)}].{k}")
        out.append(doc)
    return out


def parse_channel_times(text: str | None) -> dict[str, tuple[int, str]]:
    """'Trực tuyến: 18 Ngày làm việc; Dịch vụ bưu chính: 4 Ngày làm việc; …'."""
    found = {}
    for m in re.finditer(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp):\s*(\d+)\s*"
                         r"(Ngày làm việc|Ngày|Giờ)", text or ""):
        found[CHANNEL_OF[m.group(1)]] = (int(m.group(2)), UNIT_OF_WORD[m.group(3)])
    return found


def convert(r: dict, guides: dict) -> dict:
    code = r["code"]
    demo: list[str] = []

    # levels ("Cơ quan khác" has no counterpart in the format: dropped)
    levels = []
    for lv in (x.strip() for x in r["level"].split(",")):
        if lv in LEVELS:
            levels.append(lv)
        elif lv != "other":
            raise SystemExit(f"build-catalog: {code}: unknown level {lv!r}")
    levels.sort(key=LEVELS.index)

    # agencies
    if code in AGENCY_OVERRIDES:
        agencies, kind, why = AGENCY_OVERRIDES[code]
        agencies = list(agencies)
        if kind == "demo":
            demo.append("agencies[0]")
        else:
            fix(code, why)
    else:
        agencies = split_agencies(clean(r["agency_vi"], code))
    if code in AGENCY_PREPEND:
        agencies.insert(0, AGENCY_PREPEND[code])
        fix(code, f'thêm cơ quan "{AGENCY_PREPEND[code]}" (mô tả phí nêu nơi này thực hiện '
                  f'chứng thực; ô "Cơ quan thực hiện" chỉ ghi tổ chức công chứng, cơ quan đại diện)')

    # online service
    channels_present = sorted({CHANNEL_OF[c] for c in r["channels_vi"]}, key=CHANNELS.index)
    if r["online_service"] in ONLINE_SERVICE:
        online_service = r["online_service"]
    elif "online" not in channels_present:
        online_service = "none"
    else:
        online_service = ONLINE_SERVICE_DEMO[code]
        demo.append("online_service")

    # processing time
    per_channel = parse_channel_times(r["processing_time_vi"])
    base = None
    base_demo = None  # None, "unit" or "all"
    extra_note = None
    if code in TIME_FROM_STEPS:
        value, unit, extra_note = TIME_FROM_STEPS[code]
        base = (value, unit)
        fix(code, 'thời hạn lấy từ Trình tự ("03 ngày làm việc") thay cho ô "Thời gian" chỉ ghi '
                  '"1" không đơn vị')
    elif code in DEMO_TIMES:
        if r["processing_days"] is not None:
            raise SystemExit(f"build-catalog: {code}: DEMO_TIMES set but source has a time")
        base, base_demo = DEMO_TIMES[code], "all"
    elif r["processing_days"] is not None:
        if r["processing_unit"] is None:
            if r["field_vi"] != "Hộ tịch":
                raise SystemExit(f"build-catalog: {code}: bare time outside civil status")
            base, base_demo = (int(r["processing_days"]), "working_days"), "unit"
        else:
            base = (int(r["processing_days"]), UNIT_OF_SOURCE[r["processing_unit"]])
    else:
        raise SystemExit(f"build-catalog: {code}: no processing time and no demo value")

    spec = fee_spec(r)
    channel_notes = spec.get("channel_notes", {})
    channels = []
    for i, ch in enumerate(channels_present):
        value, unit = per_channel.get(ch, base)
        if base_demo == "all":
            demo.append(f"channels[{i}].processing_time")
        elif base_demo == "unit":
            demo.append(f"channels[{i}].processing_time.unit")
        if "per_channel" in spec:
            fees = [dict(f) for f in spec["per_channel"].get(ch, [])]
        else:
            fees = [dict(f) for f in spec["all"]]
        for f in fees:
            if ch != "online" or f["online_amount"] == f["amount"]:
                f["online_amount"] = None
        demo_note = None
        if base_demo == "unit" and ch not in per_channel:
            demo_note = (f'Trang ghi "{r["processing_time_vi"]}", không ghi đơn vị; đơn vị "ngày làm '
                         f'việc" là giá trị minh họa.')
        elif base_demo == "all":
            demo_note = ('Trang ghi "Không có thông tin"; thời hạn này là giá trị minh họa.')
        time_note = TIME_NOTES.get(code)
        notes = [n for n in (demo_note, time_note, extra_note, channel_notes.get(ch)) if n]
        channels.append({
            "channel": ch,
            "processing_time": {"unit": unit, "amount": value},
            "fees": fees,
            "note": " ".join(notes) or None,
        })

    # same-day cut-off: only where the source says "sau 15 giờ"
    text = " ".join([r["processing_note_vi"] or ""] + r["steps_vi"])
    cutoff = "15:00" if re.search(r"sau 15 giờ", text) else None

    steps = []
    for i, s in enumerate(r["steps_vi"]):
        if (code, i) in STEP_REWRITES:
            steps.append(STEP_REWRITES[(code, i)])
            fix(code, f"bước {i + 1} bị lỗi khi thu thập (\"…nộp hồ sơ đăng ký khai tâm Phục vụ…\") "
                      "được viết lại")
        else:
            steps.append(clean(s, code))

    documents = convert_documents(r, demo)
    if code not in guides:
        raise SystemExit(f"build-catalog: no guide for {code}")

    return {
        "code": code,
        "name": clean(r["name_vi"], code),
        "field": clean(r["field_vi"], code),
        "levels": levels,
        "agencies": agencies,
        "target_group": clean(r["target_group_vi"], code),
        "online_service": online_service,
        "channels": channels,
        "same_day_cutoff": cutoff,
        "fee_note": spec["note"],
        "documents": documents,
        "result": clean(r["result_vi"], code),
        "legal_basis": list(r["legal_basis"]),
        "steps": steps,
        "guide": guides[code],
        "demo_values": demo,
        "source": {"url": r["source"], "publishing_decision": r["publishing_decision"],
                   "note": r["retrieved_note"]},
        "form": None,
        "workflow": None,
    }


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

def resolve(obj, path: str) -> bool:
    """Whether a path like "channels[0].processing_time.unit" names an existing key."""
    cur = obj
    for part in path.split("."):
        m = re.fullmatch(r"([a-z_]+)((?:\[\d+\])*)", part)
        if not m or not isinstance(cur, dict) or m.group(1) not in cur:
            return False
        cur = cur[m.group(1)]
        for idx in re.findall(r"\[(\d+)\]", m.group(2)):
            if not isinstance(cur, list) or int(idx) >= len(cur):
                return False
            cur = cur[int(idx)]
    return True


def is_amount(v) -> bool:
    return v is None or (type(v) is int and v >= 0)


def nonempty_str(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def validate(catalog: dict, expected: int) -> list[str]:
    errs: list[str] = []
    procs = catalog["procedures"]
    if catalog.get("format") != FORMAT:
        errs.append("format")
    if len(procs) != expected:
        errs.append(f"{len(procs)} procedures, expected {expected}")
    codes = [p["code"] for p in procs]
    if len(set(codes)) != len(codes):
        errs.append("duplicate codes")
    if codes != sorted(codes, key=lambda c: [int(x) for x in c.split(".")]):
        errs.append("procedures not sorted by code")
    for i, p in enumerate(procs):
        at = f"procedures[{i}] ({p.get('code')})"
        if tuple(p) != PROCEDURE_KEYS:
            errs.append(f"{at}: keys {list(p)}")
            continue
        if not re.fullmatch(r"\d+(\.\d+)+", p["code"]):
            errs.append(f"{at}.code")
        for k in ("name", "field", "result"):
            if not nonempty_str(p[k]):
                errs.append(f"{at}.{k} empty")
        if not p["levels"] or any(lv not in LEVELS for lv in p["levels"]) \
                or len(set(p["levels"])) != len(p["levels"]):
            errs.append(f"{at}.levels {p['levels']}")
        if not p["agencies"] or not all(nonempty_str(a) for a in p["agencies"]):
            errs.append(f"{at}.agencies")
        if p["online_service"] not in ONLINE_SERVICE:
            errs.append(f"{at}.online_service")
        has_online = any(c["channel"] == "online" for c in p["channels"])
        if (p["online_service"] == "none") == has_online:
            errs.append(f"{at}.online_service {p['online_service']} vs channels")
        if not p["channels"]:
            errs.append(f"{at}.channels empty")
        seen = set()
        for j, c in enumerate(p["channels"]):
            cat = f"{at}.channels[{j}]"
            if set(c) != {"channel", "processing_time", "fees", "note"}:
                errs.append(f"{cat}: keys")
            if c["channel"] not in CHANNELS:
                errs.append(f"{cat}.channel")
            if c["channel"] in seen:
                errs.append(f"{cat}: channel {c['channel']} twice")
            seen.add(c["channel"])
            pt = c["processing_time"]
            if pt is not None and (set(pt) != {"unit", "amount"} or type(pt["amount"]) is not int
                                   or pt["amount"] <= 0 or pt["unit"] not in UNITS):
                errs.append(f"{cat}.processing_time {pt}")
            for k, f in enumerate(c["fees"]):
                if set(f) != {"label", "amount", "online_amount"} or not nonempty_str(f["label"]):
                    errs.append(f"{cat}.fees[{k}]: keys/label")
                if not is_amount(f["amount"]) or not is_amount(f["online_amount"]):
                    errs.append(f"{cat}.fees[{k}]: amount")
                if f["online_amount"] is not None and c["channel"] != "online":
                    errs.append(f"{cat}.fees[{k}]: online_amount outside the online channel")
            if c["note"] is not None and not nonempty_str(c["note"]):
                errs.append(f"{cat}.note")
        if p["same_day_cutoff"] is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d",
                                                                 p["same_day_cutoff"]):
            errs.append(f"{at}.same_day_cutoff")
        for j, d in enumerate(p["documents"]):
            dat = f"{at}.documents[{j}]"
            if set(d) != {"name", "originals", "copies", "requirement", "condition",
                          "presentation", "template"}:
                errs.append(f"{dat}: keys")
                continue
            if not nonempty_str(d["name"]):
                errs.append(f"{dat}.name")
            for k in ("originals", "copies"):
                if type(d[k]) is not int or d[k] < 0:
                    errs.append(f"{dat}.{k}")
            if d["requirement"] not in REQUIREMENTS or d["presentation"] not in PRESENTATIONS:
                errs.append(f"{dat}: enum")
            if (d["requirement"] == "conditional") != nonempty_str(d["condition"]):
                errs.append(f"{dat}.condition")
            if d["template"] is not None and not nonempty_str(d["template"]):
                errs.append(f"{dat}.template")
        for k in ("legal_basis", "steps"):
            if not all(nonempty_str(s) for s in p[k]):
                errs.append(f"{at}.{k}")
        g = p["guide"]
        if not isinstance(g, dict) or tuple(sorted(g)) != tuple(sorted(GUIDE_KEYS)):
            errs.append(f"{at}.guide keys")
        else:
            for k in ("summary", "cost", "duration"):
                if not nonempty_str(g[k]):
                    errs.append(f"{at}.guide.{k} empty")
            for k in ("prepare", "submit", "after"):
                if not isinstance(g[k], list) or not g[k] or not all(nonempty_str(s) for s in g[k]):
                    errs.append(f"{at}.guide.{k} empty")
        if len(set(p["demo_values"])) != len(p["demo_values"]):
            errs.append(f"{at}.demo_values duplicates")
        for path in p["demo_values"]:
            if not resolve(p, path):
                errs.append(f"{at}.demo_values: {path!r} does not resolve")
        s = p["source"]
        if s is not None and (set(s) != {"url", "publishing_decision", "note"}
                              or not str(s["url"]).startswith("https://")):
            errs.append(f"{at}.source")
        if p["workflow"] is not None:
            errs.append(f"{at}: workflow must be null")
        if p["form"] is not None and p["form"].get("format") != "motcua-form/1":
            errs.append(f"{at}: form format")
        for ch in p["channels"]:
            if ch["processing_time"] is None and not any(
                    x.startswith(f"channels[{p['channels'].index(ch)}].processing_time")
                    for x in p["demo_values"]):
                errs.append(f"{at}: processing_time null and not a demo value")
    return errs


def demo_kind(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def attach_forms(procs: list[dict], forms: dict) -> list[str]:
    """Sets each procedure's form, expanding document names given by their start."""
    errs = []
    by_code = {p["code"]: p for p in procs}
    for code, form in sorted(forms.items()):
        p = by_code.get(code)
        if p is None:
            errs.append(f"form for unknown code {code}")
            continue
        form = json.loads(json.dumps(form))
        for rule in form.get("documents", []):
            start = rule["document"]
            names = sorted({d["name"] for d in p["documents"] if d["name"].startswith(start)})
            if len(names) != 1:
                errs.append(f"{code}: form document {start!r} matches {len(names)} documents")
            else:
                rule["document"] = names[0]
        p["form"] = form
    return errs


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        source = json.load(f)
    with open(args[1], encoding="utf-8") as f:
        guides = json.load(f)
    extra = sorted(set(guides) - {r["code"] for r in source})
    procs = [convert(r, guides) for r in source]
    procs.sort(key=lambda p: [int(x) for x in p["code"].split(".")])
    catalog = {"format": FORMAT, "procedures": procs}
    form_errs = []
    if len(args) == 3:
        with open(args[2], encoding="utf-8") as f:
            form_errs = attach_forms(procs, json.load(f))

    errs = validate(catalog, expected=48) + form_errs
    if extra:
        errs.append(f"guides for unknown codes: {extra}")
    if errs:
        print("build-catalog: INVALID catalog:", file=sys.stderr)
        for e in errs:
            print("  - " + e, file=sys.stderr)
        return 1

    sys.stdout.write(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n")

    ch = Counter(c["channel"] for p in procs for c in p["channels"])
    osv = Counter(p["online_service"] for p in procs)
    demo = Counter(demo_kind(x) for p in procs for x in p["demo_values"])
    docs = [d for p in procs for d in p["documents"]]
    print(f"build-catalog: {len(procs)} procedures, {sum(ch.values())} channels "
          f"(online {ch['online']}, post {ch['post']}, in_person {ch['in_person']}), "
          f"{len(docs)} documents", file=sys.stderr)
    print("  online_service: " + ", ".join(f"{k} {osv[k]}" for k in ONLINE_SERVICE),
          file=sys.stderr)
    print(f"  demo values: {sum(demo.values())} in "
          f"{sum(1 for p in procs if p['demo_values'])} procedures: "
          + ", ".join(f"{k} {v}" for k, v in sorted(demo.items())), file=sys.stderr)
    print(f"  fixes applied: {len(FIXES)} in {len({x.split(':')[0] for x in FIXES})} procedures; "
          f"same_day_cutoff set: {sum(1 for p in procs if p['same_day_cutoff'])}; "
          f"e-forms: {sum(1 for p in procs if p['form'])}", file=sys.stderr)
    if "--list-fixes" in argv:
        for x in FIXES:
            print("  fix " + x, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
