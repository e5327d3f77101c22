//! Search benchmark: a synthetic catalog of 6,000 procedures generated deterministically
//! from Vietnamese administrative vocabulary, its index build time, and the latency of a
//! few thousand mixed queries (accented, unaccented, with a typo, abbreviations, with
//! filters, listings) and suggestions. Targets: median < 1 ms, p99 < 5 ms, build < 2 s.
//!
//! Run with `cargo bench -p motcua-search` (release profile).

use std::time::{Duration, Instant};

use motcua_search::{CatalogIndex, ProcedureDoc, SearchQuery, Synonyms, fold};

const PROCEDURES: usize = 6_000;
const QUERIES: usize = 4_000;
const WARM_UP: usize = 200;
const SUGGESTIONS: usize = 2_000;
const BUILDS: usize = 3;

const VERBS: &[&str] = &[
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Đăng ký",
    "Đăng ký lại",
    "Đăng ký thay đổi",
    "Thay đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Thu hồi",
    "Xác nhận",
    "Công nhận",
    "Chứng thực",
    "Thẩm định",
    "Phê duyệt",
    "Bổ sung",
    "Hủy bỏ",
    "Giải quyết",
    "Thông báo",
    "Miễn, giảm",
];

const OBJECTS: &[&str] = &[
    "giấy phép lái xe",
    "thẻ căn cước",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép xây dựng",
    "giấy khai sinh",
    "hộ chiếu phổ thông",
    "giấy phép kinh doanh",
    "chứng chỉ hành nghề",
    "giấy phép hoạt động",
    "giấy chứng nhận đăng ký doanh nghiệp",
    "thẻ bảo hiểm y tế",
    "sổ bảo hiểm xã hội",
    "phiếu lý lịch tư pháp",
    "giấy xác nhận tình trạng hôn nhân",
    "biển số xe",
    "giấy phép lao động",
    "giấy chứng nhận đủ điều kiện",
    "giấy phép khai thác tài nguyên nước",
    "giấy phép môi trường",
    "thường trú",
    "tạm trú",
    "hộ kinh doanh",
    "mẫu con dấu",
    "văn bằng bảo hộ",
    "tiền thuê đất",
    "chế độ thai sản",
    "trợ cấp thất nghiệp",
    "học bổng chính sách",
    "nhãn hiệu hàng hóa",
    "quyền tác giả",
];

const SUBJECTS: &[&str] = &[
    "",
    "cơ sở bán lẻ thuốc",
    "cơ sở kinh doanh dịch vụ ăn uống",
    "trường mầm non",
    "phòng khám đa khoa",
    "tàu cá",
    "xe máy chuyên dùng",
    "công trình thủy lợi",
    "điểm cung cấp dịch vụ trò chơi điện tử",
    "cơ sở giáo dục nghề nghiệp",
    "doanh nghiệp vận tải",
    "hợp tác xã nông nghiệp",
    "nhà ở riêng lẻ",
    "cơ sở lưu trú du lịch",
    "trạm xăng dầu",
    "người lao động",
];

const QUALIFIERS: &[&str] = &[
    "",
    "cho người nước ngoài",
    "đối với hộ gia đình, cá nhân",
    "thực hiện tại cấp tỉnh",
    "thực hiện tại cấp xã",
    "trong trường hợp bị mất, hư hỏng",
    "do hết thời hạn",
    "lần đầu",
    "có yếu tố nước ngoài",
    "đối với doanh nghiệp có vốn đầu tư nước ngoài",
    "theo hình thức trực tuyến toàn trình",
];

const FIELDS: &[&str] = &[
    "Hộ tịch",
    "Chứng thực",
    "Đăng ký, quản lý cư trú",
    "Cấp, quản lý căn cước",
    "Quản lý xuất nhập cảnh",
    "Lý lịch tư pháp",
    "Đăng ký, quản lý phương tiện giao thông cơ giới",
    "Sát hạch, cấp giấy phép lái xe",
    "Thành lập và hoạt động doanh nghiệp",
    "Hoạt động xây dựng",
    "Đất đai",
    "Thu BHXH, BHYT, BHTN",
    "Thực hiện chính sách BHXH",
    "Dược phẩm",
    "An toàn thực phẩm",
    "Giáo dục mầm non",
    "Giáo dục nghề nghiệp",
    "Thủy sản",
    "Thủy lợi",
    "Tài nguyên nước",
    "Môi trường",
    "Lao động",
    "Việc làm",
    "Sở hữu trí tuệ",
    "Quản lý thuế",
    "Du lịch",
    "Thương mại",
    "Văn hóa",
    "Khám bệnh, chữa bệnh",
    "Đường bộ",
];

const AGENCIES: &[&str] = &[
    "Ủy ban nhân dân cấp xã",
    "Ủy ban nhân dân cấp tỉnh",
    "Công an cấp xã",
    "Công an tỉnh",
    "Cục Cảnh sát giao thông",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nội vụ",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Văn phòng đăng ký đất đai",
    "Bảo hiểm xã hội tỉnh",
    "Bảo hiểm xã hội cơ sở",
    "Thuế tỉnh",
    "Cục Sở hữu trí tuệ",
    "Cơ quan đăng ký kinh doanh cấp tỉnh",
];

const DOCUMENTS: &[&str] = &[
    "tờ khai theo mẫu",
    "đơn đề nghị",
    "bản sao giấy tờ tùy thân",
    "giấy ủy quyền có chứng thực",
    "ảnh chân dung 4x6",
    "bản chính giấy phép cũ",
    "biên lai nộp phí",
    "hợp đồng thuê nhà",
    "giấy chứng nhận sức khỏe",
    "bản vẽ thiết kế",
    "báo cáo đánh giá tác động môi trường",
    "danh sách thành viên",
];

const LEVELS: &[&str] = &["commune", "province", "ministry"];
const CHANNELS: &[&str] = &["online", "post", "in_person"];
const ONLINE: &[&str] = &["full", "partial", "none"];

const ABBREVIATIONS: &[&str] = &[
    "GPLX",
    "cấp lại CCCD",
    "LLTP",
    "hộ khẩu",
    "BHXH",
    "thẻ BHYT",
    "sổ đỏ",
    "gia han gplx",
    "cap doi cmnd",
    "gpxd nha o rieng le",
];

/// A small deterministic pseudo-random generator (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn some(&mut self, items: &[&str]) -> Vec<String> {
        let mut chosen: Vec<String> = items
            .iter()
            .filter(|_| self.below(2) == 0)
            .map(ToString::to_string)
            .collect();
        if chosen.is_empty() {
            chosen.push(self.pick(items).to_owned());
        }
        chosen
    }
}

fn catalog(random: &mut Random) -> Vec<ProcedureDoc> {
    (0..PROCEDURES)
        .map(|n| {
            let object = random.pick(OBJECTS);
            let name = [
                random.pick(VERBS),
                object,
                random.pick(SUBJECTS),
                random.pick(QUALIFIERS),
            ]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            let agency = random.pick(AGENCIES);
            let text = format!(
                "Người yêu cầu chuẩn bị {}, {} và {}; nộp hồ sơ trực tuyến trên Cổng Dịch vụ \
                 công quốc gia, qua dịch vụ bưu chính hoặc trực tiếp tại {agency}. Thời hạn giải \
                 quyết {} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ. Lệ phí {}.000 đồng. \
                 Kết quả: {object}.",
                random.pick(DOCUMENTS),
                random.pick(DOCUMENTS),
                random.pick(DOCUMENTS),
                1 + random.below(30),
                10 * random.below(50),
            );
            ProcedureDoc {
                code: format!("{}.{:06}", 1 + n % 3, n),
                name,
                field: random.pick(FIELDS).to_owned(),
                levels: random.some(LEVELS),
                agencies: vec![agency.to_owned(), random.pick(AGENCIES).to_owned()],
                channels: random.some(CHANNELS),
                online: random.pick(ONLINE).to_owned(),
                text,
                popularity: random.next() % 20_000,
            }
        })
        .collect()
}

/// A kind of query, to report latencies per kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Accented,
    Unaccented,
    Typo,
    Abbreviation,
    Filtered,
    Listing,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Accented,
        Kind::Unaccented,
        Kind::Typo,
        Kind::Abbreviation,
        Kind::Filtered,
        Kind::Listing,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Accented => "accented",
            Kind::Unaccented => "unaccented",
            Kind::Typo => "one typo",
            Kind::Abbreviation => "abbreviation",
            Kind::Filtered => "text + filters",
            Kind::Listing => "filters only",
        }
    }
}

/// Two to four consecutive words of a random procedure's name.
fn name_words(random: &mut Random, catalog: &[ProcedureDoc]) -> String {
    let name = &catalog[random.below(catalog.len())].name;
    let words: Vec<&str> = name
        .split(' ')
        .map(|word| word.trim_end_matches(','))
        .collect();
    let len = (2 + random.below(3)).min(words.len());
    let start = random.below(words.len() - len + 1);
    words[start..start + len].join(" ")
}

/// `text` with one edit (swap, deletion or doubling) in a word of four letters or more.
fn with_typo(random: &mut Random, text: &str) -> String {
    let mut words: Vec<String> = text.split(' ').map(ToString::to_string).collect();
    let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 4).collect();
    if long.is_empty() {
        return text.to_owned();
    }
    let word = &mut words[long[random.below(long.len())]];
    let mut chars: Vec<char> = word.chars().collect();
    let at = random.below(chars.len() - 1);
    match random.below(3) {
        0 => chars.swap(at, at + 1),
        1 => {
            chars.remove(at);
        }
        _ => chars.insert(at, chars[at]),
    }
    *word = chars.into_iter().collect();
    words.join(" ")
}

fn queries(random: &mut Random, catalog: &[ProcedureDoc]) -> Vec<(Kind, SearchQuery)> {
    (0..QUERIES + WARM_UP)
        .map(|_| {
            let kind = Kind::ALL[random.below(Kind::ALL.len())];
            let text = match kind {
                Kind::Accented => name_words(random, catalog),
                Kind::Unaccented | Kind::Filtered => fold(&name_words(random, catalog)),
                Kind::Typo => {
                    let words = fold(&name_words(random, catalog));
                    with_typo(random, &words)
                }
                Kind::Abbreviation => random.pick(ABBREVIATIONS).to_owned(),
                Kind::Listing => String::new(),
            };
            let mut query = SearchQuery::new(text);
            if matches!(kind, Kind::Filtered | Kind::Listing) {
                if random.below(2) == 0 {
                    query.field = Some(random.pick(FIELDS).to_owned());
                }
                query.level = Some(random.pick(LEVELS).to_owned());
                query.channel = (random.below(2) == 0).then(|| "online".to_owned());
            }
            (kind, query)
        })
        .collect()
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[at]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    println!(
        "{label:<16} n={:<5} median {:>8.3} ms   p90 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.9)),
        ms(percentile(&times, 0.99)),
        ms(times[times.len() - 1]),
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let mut random = Random(0x6D6F_7463_7561);
    let catalog = catalog(&mut random);
    let synonyms = Synonyms::vietnamese();

    let mut builds = Vec::new();
    let mut index = None;
    for _ in 0..BUILDS {
        let started = Instant::now();
        let built = CatalogIndex::build(&catalog, &synonyms).expect("the catalog builds");
        builds.push(started.elapsed());
        index = Some(built);
    }
    let index = index.expect("built at least once");
    println!(
        "catalog: {} procedures; build times: {}",
        index.len(),
        builds
            .iter()
            .map(|time| format!("{:.0} ms", ms(*time)))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let queries = queries(&mut random, &catalog);
    let (warm_up, measured) = queries.split_at(WARM_UP);
    for (_, query) in warm_up {
        index.search(query).expect("search succeeds");
    }
    let mut times: Vec<(Kind, Duration)> = Vec::with_capacity(measured.len());
    let mut found_nothing = 0;
    for (kind, query) in measured {
        let started = Instant::now();
        let results = index.search(query).expect("search succeeds");
        times.push((*kind, started.elapsed()));
        if results.total == 0 && *kind != Kind::Filtered && *kind != Kind::Listing {
            found_nothing += 1;
        }
    }
    report("all queries", times.iter().map(|(_, time)| *time).collect());
    for kind in Kind::ALL {
        let of_kind = times
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, time)| *time)
            .collect();
        report(kind.label(), of_kind);
    }
    println!("text queries without filters that found nothing: {found_nothing}");

    let prefixes: Vec<String> = (0..SUGGESTIONS)
        .map(|_| {
            let words = fold(&name_words(&mut random, &catalog));
            let cut = 1 + random.below(words.len());
            words.chars().take(cut).collect()
        })
        .collect();
    let suggestion_times = prefixes
        .iter()
        .map(|prefix| {
            let started = Instant::now();
            index.suggest(prefix, 8);
            started.elapsed()
        })
        .collect();
    report("suggestions", suggestion_times);
}
