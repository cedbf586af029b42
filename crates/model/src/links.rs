//! Link templates (like Jaeger UI's `linkPatterns`): in `config.json`, attribute values become links to logs,
//! dashboards or repositories.
//!
//! ```json
//! {"links": [
//!   {"key": "user.id", "url": "https://logs.example/search?q=user.id%3D#{user.id}&from=#{trace_id}", "text": "Logs of user #{user.id}"},
//!   {"key": "code.filepath", "url": "https://github.com/acme/shop/blob/main/#{code.filepath}#L#{code.lineno}"}
//! ]}
//! ```
//!
//! A template applies to the attribute named `key` (span or resource attribute). `#{name}` placeholders in `url`
//! and `text` take the span's attribute `name` (span attributes first, then resource attributes), or one of
//! `trace_id`, `span_id`, `service`, `name` (the span name). In `url` every value is percent-encoded, so a value
//! can never change the address's scheme or host; a template whose placeholder has no value gives no link, and
//! only `http:` and `https:` results are ever links (so `javascript:` cannot become one, whatever the template).

use crate::backend::percent_encode as encode;
use crate::trace::{SpanIdx, Trace};
use serde::Deserialize;

/// One template from `config.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTemplate {
    /// The attribute whose value gets the link.
    pub key: String,
    pub url: String,
    /// The link's text; the value itself when empty.
    pub text: String,
}

/// Why `links` in `config.json` could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config.json: {0}")]
pub struct LinksError(String);

#[derive(Deserialize)]
struct ConfigLinks {
    #[serde(default)]
    links: Option<serde_json::Value>,
}

/// Link templates read from `config.json`, and the templates that were refused (with why).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkTemplates {
    pub templates: Vec<LinkTemplate>,
    /// One message per refused template (its address is not http or https).
    pub refused: Vec<String>,
}

/// The link templates of `config.json` (none when it has no `links`). A template whose `url` is not http(s) is
/// refused on its own (listed in `refused`); a `links` that is not an array of objects with string fields is
/// an error.
pub fn parse_link_templates(config: &[u8]) -> Result<LinkTemplates, LinksError> {
    let c: ConfigLinks = serde_json::from_slice(config).map_err(|e| LinksError(format!("not valid JSON: {e}")))?;
    let Some(links) = c.links else { return Ok(LinkTemplates::default()) };
    let items = links.as_array().ok_or_else(|| LinksError("`links` must be an array of templates".into()))?;
    let mut out = LinkTemplates::default();
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str, required: bool| -> Result<String, LinksError> {
            match item.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                None if !required => Ok(String::new()),
                None => Err(LinksError(format!("links[{i}] has no `{name}`"))),
                Some(other) => Err(LinksError(format!("links[{i}].{name} must be a string, not {other}"))),
            }
        };
        let t = LinkTemplate { key: field("key", true)?, url: field("url", true)?, text: field("text", false)? };
        if is_http(&t.url) {
            out.templates.push(t);
        } else {
            out.refused.push(format!(
                "links[{i}] (key `{}`) was ignored: its url must start with http:// or https://, not `{}`",
                t.key,
                t.url.chars().take(40).collect::<String>()
            ));
        }
    }
    Ok(out)
}

fn is_http(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

/// A link ready to show: its text and its (http or https) address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// The links for attribute `key` of span `s`, one per matching template that can be filled.
pub fn links_for(trace: &Trace, s: SpanIdx, key: &str, templates: &[LinkTemplate]) -> Vec<Link> {
    templates
        .iter()
        .filter(|t| t.key == key)
        .filter_map(|t| {
            let url = fill(&t.url, |name| value_of(trace, s, name).map(|v| encode(&v)))?;
            if !is_http(&url) {
                return None;
            }
            let text = if t.text.is_empty() {
                value_of(trace, s, key)?
            } else {
                fill(&t.text, |name| value_of(trace, s, name))?
            };
            Some(Link { text, url })
        })
        .collect()
}

/// The text of a placeholder for span `s`.
fn value_of(trace: &Trace, s: SpanIdx, name: &str) -> Option<String> {
    let attr = trace
        .attributes(s)
        .iter()
        .chain(trace.attrs_at(trace.resource(s).attrs))
        .find(|a| trace.key(a) == name)
        .map(|a| trace.value_text(trace.value(a)));
    attr.or_else(|| match name {
        "trace_id" => Some(trace.id_text()),
        "span_id" => Some(trace.span_id_text(s)),
        "service" => Some(trace.service(s).to_string()),
        "name" => Some(trace.name(s).to_string()),
        _ => None,
    })
}

/// Replaces every `#{name}` with `value(name)`; `None` when one has no value.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("#{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('}')?;
        out.push_str(&value(after[..end].trim())?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Trace {
        crate::demo::demo("checkout-incident").expect("demo")
    }

    /// The first span that has attribute `key`.
    fn span_with(t: &Trace, key: &str) -> SpanIdx {
        t.spans().find(|&s| t.attribute(s, key).is_some()).expect("a span with the key")
    }

    #[test]
    fn templates_fill_encode_and_fall_back_to_the_value_as_text() {
        let config = br##"{"backends":[],"links":[
            {"key":"user.id","url":"https://logs.example/q?user=#{user.id}&trace=#{trace_id}","text":"Logs of #{user.id}"},
            {"key":"user.id","url":"https://crm.example/users/#{user.id}"},
            {"key":"user.id","url":"https://x.example/#{no.such.attribute}"}
        ]}"##;
        let parsed = parse_link_templates(config).unwrap();
        assert!(parsed.refused.is_empty());
        let templates = parsed.templates;
        assert_eq!(templates.len(), 3);
        let t = demo();
        let s = span_with(&t, "user.id");
        let links = links_for(&t, s, "user.id", &templates);
        assert_eq!(
            links,
            [
                Link {
                    text: "Logs of 12345".into(),
                    url: format!("https://logs.example/q?user=12345&trace={}", t.id_text())
                },
                Link { text: "12345".into(), url: "https://crm.example/users/12345".into() },
            ]
        );
        assert!(links_for(&t, s, "order.id", &templates).is_empty());
    }

    #[test]
    fn hostile_values_and_templates_never_become_links() {
        // A value cannot change the scheme: it is percent-encoded.
        let t = demo();
        let s = span_with(&t, "user.id");
        let tpl =
            [LinkTemplate { key: "user.id".into(), url: "https://a.example/#{service}/x".into(), text: String::new() }];
        assert_eq!(links_for(&t, s, "user.id", &tpl)[0].url, "https://a.example/order-service/x");
        // A template that is only a placeholder, or another scheme, is refused at parse time (the others stay)…
        let bad = br##"{"links":[{"key":"k","url":"#{k}"},{"key":"k","url":" JavaScript:alert(1)"},{"key":"k","url":"https://ok/#{k}"}]}"##;
        let parsed = parse_link_templates(bad).unwrap();
        assert_eq!(parsed.templates.len(), 1);
        assert_eq!(parsed.refused.len(), 2);
        assert!(parsed.refused[1].contains("links[1] (key `k`) was ignored"), "{:?}", parsed.refused);
        // …and even if one slips through, a filled non-http result is dropped.
        let sneaky = [LinkTemplate { key: "user.id".into(), url: "#{user.id}".into(), text: String::new() }];
        assert!(links_for(&t, s, "user.id", &sneaky).is_empty());
        let encoded = fill("https://x/#{v}", |_| Some(encode("javascript:alert(1) <b>"))).unwrap();
        assert_eq!(encoded, "https://x/javascript%3Aalert%281%29%20%3Cb%3E");
    }

    #[test]
    fn config_errors_name_the_template_and_field() {
        assert_eq!(parse_link_templates(b"{}").unwrap(), LinkTemplates::default());
        assert_eq!(parse_link_templates(br#"{"backends":[]}"#).unwrap(), LinkTemplates::default());
        assert_eq!(
            parse_link_templates(br#"{"links":[{"url":"https://x"}]}"#).unwrap_err().to_string(),
            "config.json: links[0] has no `key`"
        );
        assert!(parse_link_templates(br#"{"links":{"key":"a"}}"#).unwrap_err().to_string().contains("array"));
        assert!(parse_link_templates(br#"{"links":[{"key":"a","url":5}]}"#)
            .unwrap_err()
            .to_string()
            .contains("string"));
    }
}
