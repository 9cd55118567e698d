//! Fingerprints that survive unrelated edits: a hash of the rule, the file, the enclosing item
//! and the whitespace-normalized flagged line — never the line number — plus the finding's
//! ordinal among identical ones in the same item, so two identical findings differ.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::report::ReportFinding;

pub fn assign(findings: &mut [ReportFinding]) {
    let mut seen: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
    for f in findings.iter_mut() {
        let key = (
            f.rule.to_string(),
            f.file.clone(),
            f.function.clone().unwrap_or_default(),
            f.snippet.clone(),
        );
        let n = seen.entry(key.clone()).or_default();
        let mut h = Sha256::new();
        for part in [&key.0, &key.1, &key.2, &key.3] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        h.update(n.to_string().as_bytes());
        *n += 1;
        let digest = h.finalize();
        f.fingerprint = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    }
}
