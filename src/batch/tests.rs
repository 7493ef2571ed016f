use super::versions::versions;
use super::*;

#[test]
fn tables_version_changes_with_model_and_tables() {
    let t = TableSet::builtin().unwrap();
    let (a, per, _) = versions(&t, b"");
    let (b, _, _) = versions(&t, b"model");
    assert_ne!(a, b);
    assert_eq!(per.len(), t.tables.len());
    let mut fewer = t.clone();
    fewer.tables.pop();
    assert_ne!(versions(&fewer, b"").0, a);
    assert_eq!(versions(&t, b"").0, a);
}
