//! C2SP tlog-tiles addressing: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where
//! N is written in groups of three digits, all but the last prefixed by `x`. Tile height is 8.

pub const HEIGHT: u8 = 8;
pub const WIDTH: u64 = 1 << HEIGHT;

/// A tile of the hash tree (`level` Some) or an entry bundle (`level` None).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilePath {
    pub level: Option<u8>,
    pub index: u64,
    /// 1..=256; 256 is a full tile.
    pub width: u64,
}

/// Encodes N as C2SP does: `1234067` → `x001/x234/067`.
pub fn encode_index(n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

impl TilePath {
    /// The path below `tile/`.
    pub fn to_path(&self) -> String {
        let level = self.level.map_or("entries".to_string(), |l| l.to_string());
        let partial = if self.width < WIDTH {
            format!(".p/{}", self.width)
        } else {
            String::new()
        };
        format!("{level}/{}{partial}", encode_index(self.index))
    }

    /// Parses the path below `tile/`; `None` for anything not in canonical form.
    /// The first position this tile covers at its level and the one after its last, or `None`
    /// when that lies beyond any tree (the index arithmetic would overflow).
    pub fn span(&self) -> Option<(u64, u64)> {
        let first = self.index.checked_mul(WIDTH)?;
        Some((first, first.checked_add(self.width)?))
    }

    /// How many entries the tree must hold for this tile to be complete within it.
    pub fn needs_tree_size(&self) -> Option<u64> {
        let (_, end) = self.span()?;
        match self.level {
            None => Some(end),
            Some(level) => {
                let height = u32::from(level).checked_mul(8)?;
                end.checked_mul(1u64.checked_shl(height)?)
            }
        }
    }

    pub fn parse(path: &str) -> Option<TilePath> {
        let (level, rest) = path.split_once('/')?;
        let level = if level == "entries" {
            None
        } else {
            let l: u8 = level.parse().ok()?;
            (l.to_string() == level && l < 64).then_some(l)?;
            Some(l)
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((i, w)) => {
                let w: u64 = w.parse().ok()?;
                (1..WIDTH).contains(&w).then_some(())?;
                (i, w)
            }
            None => (rest, WIDTH),
        };
        let groups: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (i, g) in groups.iter().enumerate() {
            let last = i == groups.len() - 1;
            let digits = if last { *g } else { g.strip_prefix('x')? };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
        }
        let parsed = TilePath {
            level,
            index,
            width,
        };
        // only the canonical spelling (no leading x000 groups)
        (parsed.to_path() == path).then_some(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_encoding_as_in_the_spec() {
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(67), "067");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(encode_index(1234067), "x001/x234/067");
    }

    #[test]
    fn spans_beyond_any_tree_are_none_not_wrapped() {
        let huge = TilePath::parse("entries/x072/x057/x594/x037/x927/936").expect("parses");
        assert_eq!(huge.index, 72_057_594_037_927_936);
        assert_eq!(huge.span(), None, "2^56 × 256 wraps a u64");
        let deep = TilePath::parse("0/x018/x446/x744/x073/x709/x551/615").expect("parses");
        assert_eq!(deep.span(), None);
        let high = TilePath::parse("7/001").expect("parses");
        assert_eq!(
            high.needs_tree_size(),
            None,
            "512 hashes of 2^56 entries each"
        );
        let five = TilePath::parse("5/001").expect("parses");
        assert_eq!(five.needs_tree_size(), Some(512 << 40));
        let t = TilePath::parse("1/000.p/3").expect("parses");
        assert_eq!(t.span(), Some((0, 3)));
        assert_eq!(t.needs_tree_size(), Some(3 * 256));
        let e = TilePath::parse("entries/002").expect("parses");
        assert_eq!(e.needs_tree_size(), Some(768));
    }

    #[test]
    fn paths_round_trip_and_odd_ones_are_refused() {
        let cases = [
            (
                "0/000",
                TilePath {
                    level: Some(0),
                    index: 0,
                    width: 256,
                },
            ),
            (
                "0/x001/x234/067.p/8",
                TilePath {
                    level: Some(0),
                    index: 1234067,
                    width: 8,
                },
            ),
            (
                "2/001.p/255",
                TilePath {
                    level: Some(2),
                    index: 1,
                    width: 255,
                },
            ),
            (
                "entries/x001/000",
                TilePath {
                    level: None,
                    index: 1000,
                    width: 256,
                },
            ),
            (
                "entries/005.p/1",
                TilePath {
                    level: None,
                    index: 5,
                    width: 1,
                },
            ),
        ];
        for (path, tile) in cases {
            assert_eq!(TilePath::parse(path), Some(tile), "{path}");
            assert_eq!(tile.to_path(), path);
        }
        for bad in [
            "0/0",
            "0/x000/001",
            "0/001.p/256",
            "0/001.p/0",
            "0/001.p/08",
            "00/001",
            "64/000",
            "entries/1234",
            "1/x1/000",
            "0/abc",
            "0",
        ] {
            assert_eq!(TilePath::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn agrees_with_tlog_tiles_on_index_groups() {
        // tlog_tiles prints Go checksum-database paths (`tile/8/<L>/<N>`); the N part is the same
        for n in [0u64, 7, 999, 1000, 1234067, 987_654_321] {
            let go = tlog_tiles::Tile::new(8, 0, n, 256, false).path();
            assert_eq!(go, format!("tile/8/0/{}", encode_index(n)));
        }
    }
}
