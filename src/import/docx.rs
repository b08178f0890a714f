//! stub
use super::doc::Document;
pub fn read_file(_p: &std::path::Path) -> Result<Document, String> {
    Err("todo".into())
}
pub fn read<R: std::io::Read + std::io::Seek>(_r: R) -> Result<Document, String> {
    Err("todo".into())
}
