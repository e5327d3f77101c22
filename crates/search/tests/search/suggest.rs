//! Suggestions as you type.

use crate::fixture::index;

fn suggested(prefix: &str, limit: usize) -> Vec<String> {
    index()
        .suggest(prefix, limit)
        .into_iter()
        .map(|suggestion| suggestion.name)
        .collect()
}

#[test]
fn continues_the_folded_prefix_most_popular_first() {
    let names = suggested("dang ky k", 5);
    assert_eq!(names[0], "Thủ tục đăng ký khai sinh");
    assert!(
        names.contains(&"Thủ tục đăng ký kết hôn".to_string()),
        "{names:?}"
    );
    assert_eq!(suggested("Đăng ký k", 5), names);
}

#[test]
fn names_starting_with_the_prefix_come_first() {
    let names = suggested("cap", 4);
    assert!(
        names.iter().all(|name| name.starts_with("Cấp")),
        "{names:?}"
    );
    assert_eq!(names[0], "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên");
}

#[test]
fn incomplete_last_word() {
    assert_eq!(suggested("cap lai th", 3), ["Cấp lại thẻ căn cước"]);
    assert_eq!(
        suggested("ly lich", 3)[0],
        "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, người Việt Nam đang cư trú ở nước ngoài"
    );
}

#[test]
fn limited_and_empty_prefix() {
    assert_eq!(suggested("dang", 3).len(), 3);
    assert!(suggested("", 5).is_empty());
    assert!(suggested("  ", 5).is_empty());
    assert!(suggested("xyz", 5).is_empty());
    assert!(suggested("dang", 0).is_empty());
}

#[test]
fn suggestions_carry_code_and_field() {
    let suggestion = &index().suggest("tach ho", 1)[0];
    assert_eq!(suggestion.code, "1.010038");
    assert_eq!(suggestion.field, "Đăng ký, quản lý cư trú");
}
