//! `config.json`: `backend::parse_config` and `links::parse_link_templates` on any bytes. Accepted backends have
//! unique non-empty names, no trailing slash and sorted headers; accepted link templates are http(s), and filled
//! with the fixed traces' values they only ever give http(s) links.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanscope_model::backend::parse_config;
use spanscope_model::links::{links_for, parse_link_templates};
use std::collections::HashSet;

fn is_http(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(backends) = parse_config(bytes) {
        let mut names = HashSet::new();
        for b in &backends {
            assert!(!b.name.is_empty(), "a backend has a name");
            assert!(names.insert(b.name.as_str()), "backend names are unique: {:?}", b.name);
            assert!(!b.url.ends_with('/'), "url {:?} has no trailing slash", b.url);
            assert!(b.headers.windows(2).all(|w| w[0].0 <= w[1].0), "headers sorted by name");
            let _ = b.url_for("/api/v3/services");
        }
    }
    if let Ok(links) = parse_link_templates(bytes) {
        assert!(links.templates.iter().all(|t| is_http(&t.url)), "only http(s) templates are accepted");
        if links.templates.is_empty() {
            return;
        }
        for t in spanscope_fuzz::fixed_traces() {
            for s in t.spans() {
                for tpl in &links.templates {
                    for link in links_for(t, s, &tpl.key, &links.templates) {
                        assert!(is_http(&link.url), "a link is http(s): {:?}", link.url);
                    }
                }
            }
        }
    }
});
