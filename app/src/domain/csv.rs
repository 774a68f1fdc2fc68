//! CSV as RFC 4180 writes it: fields separated by commas, records by CRLF (a bare LF is
//! accepted too), a field with a comma, a quote or a line break enclosed in double quotes and a
//! quote inside doubled.

/// Where a text stops being CSV: the 1-based line of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvProblem {
    pub line: usize,
}

/// Every record of `text` (empty lines skipped), each a list of its fields.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, CsvProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted = false;
    // whether the current field began with a quote (and so may not take bare text after it)
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(CsvProblem { line: record_line }),
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push(std::mem::take(&mut record));
                } else {
                    record.clear();
                }
                line += 1;
                record_line = line;
            }
            _ if was_quoted => return Err(CsvProblem { line: record_line }),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(CsvProblem { line: record_line });
    }
    if !field.is_empty() || !record.is_empty() || was_quoted {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// One field as RFC 4180 writes it.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_fields_and_quotes() {
        let cases: [(&str, Vec<Vec<&str>>); 6] = [
            ("a,b\r\n1,2\r\n", vec![vec!["a", "b"], vec!["1", "2"]]),
            ("a,b\n1,2", vec![vec!["a", "b"], vec!["1", "2"]]),
            ("\u{feff}x\n\n\ny\n", vec![vec!["x"], vec!["y"]]),
            (
                "\"a, b\",\"say \"\"hi\"\"\"\n",
                vec![vec!["a, b", "say \"hi\""]],
            ),
            ("\"two\nlines\",z\n", vec![vec!["two\nlines", "z"]]),
            ("a,,\n", vec![vec!["a", "", ""]]),
        ];
        for (text, expected) in cases {
            let got = parse(text).expect(text);
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn broken_quotes_name_their_line() {
        for (text, line) in [
            ("a\n\"open\n", 2),
            ("a\nb\"c\n", 2),
            ("\"a\"b\n", 1),
            ("x\n\"two\nlines\"z\n", 2),
        ] {
            assert_eq!(parse(text), Err(CsvProblem { line }), "{text:?}");
        }
    }

    #[test]
    fn a_written_field_reads_back() {
        for v in ["plain", "a,b", "q\"uote", "two\nlines", ""] {
            let line = format!("{},end\n", field(v));
            assert_eq!(parse(&line).expect("parse"), vec![vec![v, "end"]]);
        }
    }
}
