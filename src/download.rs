//! Saving bytes as a file the user downloads (exports, CSV): a Blob, an object URL, a click on a temporary link.

use wasm_bindgen::JsCast;

/// Offers `bytes` as a download called `name`. Returns the message to show when the browser refuses.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let mut parts = BlobParts::default();
    parts.push(bytes);
    parts.download(name, mime)
}

/// Bytes gathered for a download piece by piece, so a large export is never one buffer in the wasm. The
/// browser copies bytes when a `Blob` is made of them (0.8 s for the 870 MB of a 1M-span Jaeger export), so
/// every [`BLOB_BYTES`] the pieces so far become a `Blob` of their own, and the copy is spread over the export.
#[derive(Default)]
pub struct BlobParts {
    blobs: js_sys::Array,
    pieces: js_sys::Array,
    pending_bytes: usize,
}

/// How many bytes of pieces become one `Blob` (about 30 ms of copying).
const BLOB_BYTES: usize = 32 << 20;

impl BlobParts {
    pub fn push(&mut self, bytes: &[u8]) {
        self.pieces.push(&js_sys::Uint8Array::from(bytes));
        self.pending_bytes += bytes.len();
        if self.pending_bytes >= BLOB_BYTES {
            // On failure the pieces stay pieces, for the last `Blob` to take in.
            if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&self.pieces) {
                self.blobs.push(&blob);
                self.pieces = js_sys::Array::new();
                self.pending_bytes = 0;
            }
        }
    }

    /// Offers the bytes as a download called `name`. Returns the message to show when the browser refuses.
    pub fn download(self, name: &str, mime: &str) -> Result<(), String> {
        let fail = |what: &str| format!("could not save {name}: {what}");
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        let all = self.blobs.concat(&self.pieces);
        let blob = web_sys::Blob::new_with_blob_sequence_and_options(&all, &opts).map_err(|_| fail("no Blob"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
        let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
        let a = document
            .create_element("a")
            .map_err(|_| fail("no link"))?
            .dyn_into::<web_sys::HtmlAnchorElement>()
            .map_err(|_| fail("no link"))?;
        a.set_href(&url);
        a.set_download(name);
        a.click();
        // Revoked later: revoking at once can cancel the download in some browsers.
        leptos::leptos_dom::helpers::set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(30),
        );
        Ok(())
    }
}
