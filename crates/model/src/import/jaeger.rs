//! Placeholder: filled in by the importer work.

use crate::build::TraceSetBuilder;
use crate::import::{Format, ImportError};

pub(crate) fn parse(_b: &mut TraceSetBuilder, _bytes: &[u8]) -> Result<(), ImportError> {
    Err(ImportError::Content { format: Format::Jaeger, message: "not implemented yet".into() })
}
