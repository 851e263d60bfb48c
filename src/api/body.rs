//! Reading an answer's body, never more of it than a limit.

/// The most an answer may hold. Our largest real answer, a page of 50 zones,
/// is a small fraction of this.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// It is, or announced it would be, larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads the body chunk by chunk and stops as soon as it passes `limit`,
/// so an endless or oversized answer costs at most `limit` bytes of memory.
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
