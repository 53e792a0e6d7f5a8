//! Analysts' notes: Markdown rendered safely. Raw HTML in a note is shown as text, and a link
//! or image keeps its address only when it is http(s) or mailto (or a path on this site);
//! any other (`javascript:`, `data:` …) becomes plain text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Whether a link destination may be followed.
fn safe_destination(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#')
}

/// The note as HTML that is safe to put in a page as is.
pub fn render(note: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    // Links whose address is refused lose their tag (their text stays).
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(note, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let ok = safe_destination(&dest_url);
            dropped.push(!ok);
            ok.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            if dropped.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        // Images never load from a note: their description stays, as text.
        Event::Start(Tag::Image { dest_url, .. }) => {
            Some(Event::Text(CowStr::from(format!("[image: {dest_url}] "))))
        }
        Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let html = render("**done** in [2015](https://example.org/x)\n\n- a\n- b");
        assert!(html.contains("<strong>done</strong>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/x">2015</a>"#),
            "{html}"
        );
        assert!(html.contains("<li>a</li>"), "{html}");
    }

    #[test]
    fn html_and_script_links_are_neutralised() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x]( javascript:alert(1))",
            "![x](javascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x][r]\n\n[r]: javascript:alert(1)",
        ] {
            let html = render(attack);
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{attack} → {html}");
            assert!(!lower.contains("<img"), "{attack} → {html}");
            // Tags only: the same words escaped as text are harmless.
            assert!(!lower.contains("<a href=\"javascript"), "{attack} → {html}");
            assert!(!lower.contains("<a href=\"data"), "{attack} → {html}");
        }
    }
}
