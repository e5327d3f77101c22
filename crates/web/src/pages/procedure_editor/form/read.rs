//! Reading the posted procedure form, kept as typed.

use super::*;

impl ProcedureForm {
    /// The form as posted (field names as in `templates/admin/procedure_form.html`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.replace("\r\n", "\n"))
                .unwrap_or_default()
        };
        let all = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let column = |values: &[String], i: usize| values.get(i).cloned().unwrap_or_default();
        let enabled = all("kenh");
        // Channels in the order the page showed them.
        let mut order: Vec<SubmissionChannel> = Vec::new();
        for (key, _) in pairs {
            if let Some(channel) = CHANNELS
                .into_iter()
                .find(|c| key.strip_suffix("_don_vi") == Some(c.as_str()))
                && !order.contains(&channel)
            {
                order.push(channel);
            }
        }
        for channel in CHANNELS {
            if !order.contains(&channel) {
                order.push(channel);
            }
        }
        let channels = order
            .into_iter()
            .map(|channel| {
                let key = channel.as_str();
                let labels = all(&format!("{key}_phi_ten"));
                let amounts = all(&format!("{key}_phi_muc"));
                let online = all(&format!("{key}_phi_truc_tuyen"));
                let rows = labels.len().max(amounts.len()).max(online.len());
                ChannelForm {
                    key,
                    label: channel.label(),
                    enabled: enabled.iter().any(|e| e == key),
                    amount: one(&format!("{key}_thoi_han")),
                    unit: one(&format!("{key}_don_vi")),
                    note: one(&format!("{key}_ghi_chu")),
                    fees: (0..rows)
                        .map(|i| FeeRow {
                            label: column(&labels, i),
                            amount: column(&amounts, i),
                            online_amount: column(&online, i),
                        })
                        .collect(),
                }
            })
            .collect();
        let names = all("gt_ten");
        let originals = all("gt_chinh");
        let copies = all("gt_sao");
        let requirements = all("gt_yeu_cau");
        let conditions = all("gt_dieu_kien");
        let presentations = all("gt_hinh_thuc");
        let templates = all("gt_mau");
        let documents = (0..names.len())
            .map(|i| DocumentRow {
                name: column(&names, i),
                originals: column(&originals, i),
                copies: column(&copies, i),
                requirement: column(&requirements, i),
                condition: column(&conditions, i),
                presentation: column(&presentations, i),
                template: column(&templates, i),
            })
            .collect();
        Self {
            code: one("ma").trim().to_string(),
            name: one("ten"),
            field: one("linh_vuc"),
            levels: all("cap"),
            agencies: one("co_quan"),
            target_group: one("doi_tuong"),
            online_service: one("truc_tuyen"),
            cutoff: one("gio_chot"),
            fee_note: one("ghi_chu_phi"),
            result: one("ket_qua"),
            legal_basis: one("can_cu"),
            steps: one("trinh_tu"),
            summary: one("hd_tom_tat"),
            prepare: one("hd_chuan_bi"),
            submit: one("hd_nop"),
            cost: one("hd_chi_phi"),
            duration: one("hd_thoi_gian"),
            after: one("hd_sau"),
            form_json: one("bieu_mau"),
            workflow_json: one("quy_trinh"),
            version: one("phien_ban").trim().parse().unwrap_or(0),
            channels,
            documents,
        }
    }
}
