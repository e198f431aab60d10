//! The password policy for accounts.

/// Why a password is refused, in Vietnamese for the user.
pub fn policy_problem(username: &str, password: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    if chars < 10 {
        return Some("Mật khẩu phải có ít nhất 10 ký tự.");
    }
    if chars > 128 {
        return Some("Mật khẩu không được dài quá 128 ký tự.");
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| !c.is_alphabetic()) {
        return Some("Mật khẩu phải có cả chữ cái và chữ số hoặc ký tự đặc biệt.");
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Some("Mật khẩu không được chứa tên đăng nhập.");
    }
    None
}

/// Usernames: 3–32 lower-case ASCII letters, digits, `.`, `_` or `-`, starting with a letter.
pub fn username_problem(username: &str) -> Option<&'static str> {
    let ok = (3..=32).contains(&username.len())
        && username.starts_with(|c: char| c.is_ascii_lowercase())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    (!ok).then_some("Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang, bắt đầu bằng chữ.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert!(policy_problem("lan", "ngắn1").is_some());
        assert!(policy_problem("lan", "chichuacaiabc").is_some());
        assert!(policy_problem("lan", "1234567890").is_some());
        assert!(policy_problem("nguyenlan", "NguyenLan-2026").is_some());
        assert_eq!(policy_problem("lan", "mùa-xuân-2026"), None);
    }

    #[test]
    fn usernames_are_plain() {
        assert_eq!(username_problem("thuky.iso"), None);
        for bad in ["ab", "Admin", "1abc", "a b", "ngườidùng", "../x"] {
            assert!(username_problem(bad).is_some(), "{bad}");
        }
    }
}
