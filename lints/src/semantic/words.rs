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

    /// Whether one of the words starts a word of `hay`: at its start, after a character that
    /// is no letter or digit (`_`), at a capital after a lowercase letter or a digit
    /// (`DbConn`, `spawn_task`; not `Respawn`), or at an acronym's end (`DBConnection`).
    pub fn any_word_start_in(&self, hay: &str) -> bool {
        let bytes = hay.as_bytes();
        let starts_word = |i: usize| {
            i == 0 || {
                let prev = bytes[i - 1];
                let cur = bytes[i];
                !prev.is_ascii_alphanumeric()
                    || (cur.is_ascii_uppercase()
                        && (prev.is_ascii_lowercase()
                            || prev.is_ascii_digit()
                            || (prev.is_ascii_uppercase()
                                && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase))))
            }
        };
        match self.automaton() {
            Some(a) => a.find_overlapping_iter(hay).any(|m| starts_word(m.start())),
            None => {
                let lower = hay.to_ascii_lowercase();
                self.list
                    .iter()
                    .any(|w| lower.match_indices(w).any(|(i, _)| starts_word(i)))
            }
        }
    }

    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(self.list)
                    .ok()
            })
            .as_ref()
    }

    /// Whether `hay`, lowercased, contains one of the words.
    pub fn any_in(&self, hay: &str) -> bool {
        match self.automaton() {
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

    static SPAWNS: Words = Words::new(&["spawn", "conn"]);

    #[test]
    fn a_word_start_is_the_names_start_an_underscore_or_a_capital_after_lowercase() {
        for (hay, expected) in [
            ("spawn_worker", true),
            ("TaskSpawner", true),
            ("DbConn", true),
            ("db_conn", true),
            ("db2Conn", true),
            ("RespawnPoint", false),
            ("respawn", false),
            ("reconnect", false),
            // Overlapping candidates: the second `spawn` starts a word.
            ("respawn_spawn", true),
            ("SPAWN", true),
            // An acronym before the word.
            ("DBConnection", true),
            ("HTTPSpawner", true),
        ] {
            assert_eq!(SPAWNS.any_word_start_in(hay), expected, "{hay}");
        }
    }
}
