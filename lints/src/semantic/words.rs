//! Whether a name or a text contains any word of a fixed list, ASCII case ignored. One pass of
//! an Aho-Corasick automaton instead of a lowercased copy and one substring search per word:
//! the walker asks it of every value written under a lock, and a rule of every fn body that
//! compares anything (together 1% of a service corpus's instructions as searches).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

pub struct Words {
    /// Lowercase ASCII words.
    list: &'static [&'static str],
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Words {
    pub const fn new(list: &'static [&'static str]) -> Self {
        Words {
            list,
            automaton: OnceLock::new(),
        }
    }

    /// Whether `hay`, lowercased, contains one of the words.
    pub fn any_in(&self, hay: &str) -> bool {
        let automaton = self.automaton.get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(self.list)
                .ok()
        });
        match automaton {
            Some(a) => a.is_match(hay),
            // Only a list too large for the automaton gets here; the plain search agrees.
            None => {
                let lower = hay.to_ascii_lowercase();
                self.list.iter().any(|w| lower.contains(w))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Words;

    static LOCKS: Words = Words::new(&["mutex", "rwlock", "api-key", "next_id"]);

    #[test]
    fn matches_like_a_lowercased_substring_search() {
        for (hay, expected) in [
            ("new_mutex", true),
            ("RwLockWriteGuard", true),
            ("X-API-KEY", true),
            ("nextId", false),
            ("NEXT_ID", true),
            ("mute", false),
            ("", false),
            ("Müßiggang_MUTEX", true),
        ] {
            let lower = hay.to_ascii_lowercase();
            let plain = ["mutex", "rwlock", "api-key", "next_id"]
                .iter()
                .any(|w| lower.contains(w));
            assert_eq!(plain, expected, "{hay}");
            assert_eq!(LOCKS.any_in(hay), expected, "{hay}");
        }
    }
}
