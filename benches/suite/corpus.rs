//! Generated corpora: the real procedures, multiplied under synthetic fields and codes, each file
//! valid for `qms check` (so the importer takes it) and distinct (code and title differ).

use std::path::Path;

/// Writes a procedure tree of `n` procedures to `dir`, from the real corpus at `source`.
pub fn generate(source: &Path, dir: &Path, n: usize) {
    let templates: Vec<String> = qms::check::check_tree(source)
        .expect("the corpus")
        .files
        .into_iter()
        .filter(|f| !f.path.starts_with("HT"))
        .map(|f| f.text)
        .collect();
    std::fs::copy(source.join("legal-bases.yaml"), dir.join("legal-bases.yaml")).unwrap();
    let per_field = 900;
    let fields = n.div_ceil(per_field);
    let mut yaml = String::new();
    for f in 0..fields {
        let code = field_code(f);
        yaml.push_str(&format!("- code: {code}\n  name_vi: Lĩnh vực thử {f}\n  name_en: Test field {f}\n"));
    }
    std::fs::write(dir.join("fields.yaml"), yaml).unwrap();
    for i in 0..n {
        let field = field_code(i / per_field);
        let code = format!("QT-{field}-{:03}", i % per_field + 1);
        let template = &templates[i % templates.len()];
        let text = rewrite(template, &code, &field, i);
        let folder = dir.join(&field);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{code}.md")), text).unwrap();
    }
}

/// BAAA, BAAB, …: four letters, never a real field code.
fn field_code(i: usize) -> String {
    let letters = |k: usize| (b'A' + (k % 26) as u8) as char;
    format!("B{}{}{}", letters(i / 676), letters(i / 26), letters(i))
}

fn rewrite(template: &str, code: &str, field: &str, i: usize) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for line in template.lines() {
        if line.starts_with("code:") {
            out.push_str(&format!("code: {code}"));
        } else if line.starts_with("field:") {
            out.push_str(&format!("field: {field}"));
        } else if let Some(title) = line.strip_prefix("title:") {
            let title = title.trim();
            let plain = title.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(title);
            out.push_str(&format!("title: \"{} (bản {i})\"", plain.replace('"', "'")));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
