/*
 * va_opencv.h — the C ABI of libva_opencv.so, VideoAnalytics' shim over OpenCV (capture, resize,
 * JPEG/PNG codec, box drawing). Bound from C# by Inference/Native/OpenCv/OpenCvNative.cs.
 *
 * Rules that hold for every export:
 *  - It returns an int status (VA_OK, VA_END_OF_STREAM or a negative VA_ERR_*) and writes its results
 *    through out-parameters; out-parameters are left untouched unless documented otherwise.
 *  - No C++ exception crosses the ABI and nothing calls abort() on bad input: every body runs inside
 *    try { ... } catch (...) and a failure becomes a status.
 *  - After a failing status, va_last_error() on the SAME thread returns a message that explains it. The
 *    message is thread_local: a failure on one thread never overwrites another thread's message.
 *  - Images are 8-bit BGR, 3 bytes per pixel, rows `stride` bytes apart (stride >= width * 3). A buffer
 *    described by (width, height, stride) must hold at least stride * height bytes; every export that
 *    takes a buffer also takes its size in bytes and checks it.
 *  - All memory is owned by the caller except where an export says otherwise; the shim never keeps a
 *    caller pointer after it returns.
 *
 * Thread-safety: a va_capture is not thread-safe (one reader at a time); distinct captures may be used
 * from distinct threads concurrently. Image functions are reentrant. Opening with the FFmpeg (or any)
 * backend is serialised process-wide, for at most the open timeout: OpenCV 4.6 itself holds one mutex for
 * the whole of every FFmpeg open, and the shim passes the RTSP transport through the process-global
 * environment variable OPENCV_FFMPEG_CAPTURE_OPTIONS under its own lock.
 */
#ifndef VA_OPENCV_H
#define VA_OPENCV_H

#include <stdint.h>

#if defined(VA_OPENCV_BUILDING)
#define VA_API __attribute__((visibility("default")))
#else
#define VA_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or struct layout below changes, a function is added, or what a function writes
 * changes (3: va_image_query/va_image_decode apply EXIF orientation), so a stale build is refused at load. */
#define VA_ABI_VERSION 3

/* ---- status codes --------------------------------------------------------------------------------- */
#define VA_OK 0
#define VA_END_OF_STREAM 1            /* capture: no more frames (a file ended) */
#define VA_ERR_INVALID_ARGUMENT (-1)  /* null pointer, bad size, bad enum value */
#define VA_ERR_OPEN_FAILED (-2)       /* source missing, unreachable, not a video, unsupported codec */
#define VA_ERR_READ_FAILED (-3)       /* a live source failed or timed out, or a file had no decodable frame */
#define VA_ERR_BUFFER_TOO_SMALL (-4)  /* caller buffer too small; the required size was written */
#define VA_ERR_DECODE_FAILED (-5)     /* bytes are not a decodable image */
#define VA_ERR_ENCODE_FAILED (-6)
#define VA_ERR_NOT_SUPPORTED (-7)     /* backend not built into this OpenCV, option not supported */
#define VA_ERR_OPENCV (-8)            /* OpenCV raised cv::Exception */
#define VA_ERR_INTERNAL (-9)          /* any other C++ exception (e.g. std::bad_alloc) */

/* ---- capture -------------------------------------------------------------------------------------- */
typedef struct va_capture va_capture; /* opaque */

#define VA_BACKEND_ANY 0
#define VA_BACKEND_FFMPEG 1
#define VA_BACKEND_GSTREAMER 2

#define VA_RTSP_TRANSPORT_DEFAULT 0 /* backend default (OpenCV's FFmpeg backend uses TCP) */
#define VA_RTSP_TRANSPORT_TCP 1
#define VA_RTSP_TRANSPORT_UDP 2

typedef struct va_capture_options {
    int32_t backend;          /* VA_BACKEND_* */
    int32_t rtsp_transport;   /* VA_RTSP_TRANSPORT_*; FFmpeg: via OPENCV_FFMPEG_CAPTURE_OPTIONS;
                                 GStreamer: rtsp:// URLs become an rtspsrc pipeline with `protocols` */
    int32_t open_timeout_ms;  /* > 0: CAP_PROP_OPEN_TIMEOUT_MSEC; 0: backend default */
    int32_t read_timeout_ms;  /* > 0: CAP_PROP_READ_TIMEOUT_MSEC; 0: backend default */
    int32_t buffer_size;      /* > 0: CAP_PROP_BUFFERSIZE hint after open (ignored by backends that lack it) */
    int32_t reserved;         /* must be 0 */
} va_capture_options;

typedef struct va_frame_info {
    int32_t width;            /* pixels */
    int32_t height;           /* pixels */
    int32_t stride;           /* bytes between rows of the copied frame (always width * 3) */
    int32_t reserved;
    double timestamp_ms;      /* CAP_PROP_POS_MSEC after the read */
    int64_t required_bytes;   /* stride * height: the capacity this frame needs */
    int64_t index;            /* 0-based number of the frame in this capture, skipped (grabbed only) frames counted */
} va_frame_info;

/* Opens `source` (UTF-8: a file path, a URL such as rtsp://..., or with the GStreamer backend a pipeline
 * ending in appsink). `options` may be NULL (all defaults). On success *out_capture receives a capture
 * that the caller owns and must pass to va_capture_release exactly once. */
VA_API int va_capture_open(const char* source, const va_capture_options* options, va_capture** out_capture);

/* Reads the next frame as packed BGR into `bgr` (capacity `capacity` bytes).
 *  VA_OK: frame copied; *out_info filled.
 *  VA_END_OF_STREAM: a file (not a URL) ended after at least one frame; *out_info untouched.
 *  VA_ERR_BUFFER_TOO_SMALL: nothing copied; *out_info has width/height/stride/required_bytes; the frame
 *    is kept and the next call delivers it (no frame is lost).
 *  VA_ERR_READ_FAILED: a URL source failed/timed out/ended, or a file yielded no decodable frame. */
VA_API int va_capture_read(va_capture* capture, uint8_t* bgr, int64_t capacity, va_frame_info* out_info);

/* va_capture_read in two steps, for callers that analyse only some frames: converting a decoded frame to BGR
 * costs about a third as much as decoding it, and a frame grabbed but never retrieved is never converted.
 * va_capture_grab decodes the next frame and keeps it inside OpenCV (one at a time: grabbing again skips
 * it). *out_info gets timestamp_ms and index; width/height/stride/required_bytes are the last known size,
 * which retrieve confirms. Returns VA_OK, VA_END_OF_STREAM or VA_ERR_READ_FAILED as va_capture_read does.
 * va_capture_retrieve converts the grabbed frame into `bgr`, with va_capture_read's VA_OK and
 * VA_ERR_BUFFER_TOO_SMALL (the frame is kept: retrieve again with a larger buffer); VA_ERR_INVALID_ARGUMENT
 * when nothing is grabbed (a frame is retrieved once). */
VA_API int va_capture_grab(va_capture* capture, va_frame_info* out_info);
VA_API int va_capture_retrieve(va_capture* capture, uint8_t* bgr, int64_t capacity, va_frame_info* out_info);

#define VA_PROP_FPS 1
#define VA_PROP_WIDTH 2
#define VA_PROP_HEIGHT 3
#define VA_PROP_FRAME_COUNT 4  /* as the container declares it; 0 or negative when unknown (live) */
#define VA_PROP_POSITION_MS 5
#define VA_PROP_POSITION_FRAMES 6

/* *out_value receives the property (CAP_PROP_*); unknown values are 0 as OpenCV reports them. */
VA_API int va_capture_get(va_capture* capture, int32_t property, double* out_value);

/* Writes the name of the backend OpenCV chose (UTF-8, NUL-terminated, truncated to `capacity`). */
VA_API int va_capture_backend_name(va_capture* capture, char* buffer, int32_t capacity);

/* Releases the capture and frees it. NULL is allowed (no-op). Always frees, even when OpenCV fails. */
VA_API int va_capture_release(va_capture* capture);

/* *out_available = 1 when this OpenCV has the VA_BACKEND_* videoio backend, else 0. */
VA_API int va_backend_available(int32_t backend, int32_t* out_available);

/* ---- images --------------------------------------------------------------------------------------- */

/* Resizes src (any stride) into dst (any stride) with bilinear interpolation (cv::INTER_LINEAR).
 * src and dst must not overlap. */
VA_API int va_resize_bgr(const uint8_t* src, int32_t src_width, int32_t src_height, int32_t src_stride,
                         int64_t src_bytes, uint8_t* dst, int32_t dst_width, int32_t dst_height,
                         int32_t dst_stride, int64_t dst_bytes);

/* Encodes a BGR image as JPEG (quality 1..100) into `out`. *out_written receives the JPEG size on VA_OK,
 * or the size it needs on VA_ERR_BUFFER_TOO_SMALL (call again with a larger buffer). */
VA_API int va_jpeg_encode(const uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes,
                          int32_t quality, uint8_t* out, int64_t capacity, int64_t* out_written);

/* Reads the width/height of an encoded image as va_image_decode writes it (after EXIF orientation: 5..8 swap
 * them) from its JPEG/PNG header (other formats OpenCV reads are decoded to learn it) without writing pixels. VA_ERR_DECODE_FAILED when the bytes are not an image. */
VA_API int va_image_query(const uint8_t* data, int64_t length, int32_t* out_width, int32_t* out_height);

/* Decodes an encoded image (JPEG, PNG, anything cv::imdecode reads; EXIF orientation applied; alpha
 * dropped; 16-bit reduced to 8-bit) into `bgr` with row stride `stride` (0 = width * 3).
 * out_width and out_height are written on VA_OK and on VA_ERR_BUFFER_TOO_SMALL. */
VA_API int va_image_decode(const uint8_t* data, int64_t length, uint8_t* bgr, int64_t capacity,
                           int32_t stride, int32_t* out_width, int32_t* out_height);

typedef struct va_box {
    float x1, y1, x2, y2;     /* pixels, corners (clipped to the image) */
    float score;              /* drawn with 2 decimals after the label; < 0: no score drawn */
    int32_t label;            /* index into `labels`; out of range: drawn as "#<label>"; < 0 and no score: no text */
} va_box;

/* Draws each box (rectangle of `thickness` px, colour chosen by label) with its label text and score in a
 * filled tag just above the box (inside it when there is no room above), in place. `labels` holds
 * `label_count` NUL-terminated UTF-8 strings (ASCII renders; other characters are OpenCV's '?'); it may be
 * NULL when label_count is 0. font_scale <= 0 means 0.5. */
VA_API int va_draw_boxes(uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes,
                         const va_box* boxes, int32_t box_count, const char* const* labels,
                         int32_t label_count, int32_t thickness, double font_scale);

/* ---- diagnostics ---------------------------------------------------------------------------------- */

/* *out_message receives this thread's last error message (UTF-8; "" if none). Owned by the shim and
 * valid until the next va_* call on the same thread. */
VA_API int va_last_error(const char** out_message);

/* *out_version receives OpenCV's version string (e.g. "4.6.0"); static storage, never freed. */
VA_API int va_opencv_version(const char** out_version);

/* *out_abi receives VA_ABI_VERSION of the built library. */
VA_API int va_abi_version(int32_t* out_abi);

#ifdef __cplusplus
}
#endif

#endif /* VA_OPENCV_H */
