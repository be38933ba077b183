// va_opencv.cpp — implementation of the C ABI declared in va_opencv.h. Every export funnels through
// Guarded(), which turns any C++ exception into a status and a thread_local message.
#include "va_opencv.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <climits>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace {

thread_local std::string t_lastError;

void SetError(const char* message) noexcept {
    try {
        t_lastError.assign(message);
    } catch (...) {
        // Out of memory while reporting: keep whatever fits in the existing capacity.
        t_lastError.clear();
    }
}

// printf-style; returns `status` so call sites read `return Fail(VA_ERR_X, "...", ...)`.
int Fail(int status, const char* format, ...) noexcept __attribute__((format(printf, 2, 3)));
int Fail(int status, const char* format, ...) noexcept {
    char buffer[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    SetError(buffer);
    return status;
}

template <typename Body>
int Guarded(const char* function, Body&& body) noexcept {
    try {
        t_lastError.clear();
        return body();
    } catch (const cv::Exception& e) {
        return Fail(VA_ERR_OPENCV, "%s: OpenCV error: %s", function, e.what());
    } catch (const std::bad_alloc&) {
        return Fail(VA_ERR_INTERNAL, "%s: out of memory", function);
    } catch (const std::exception& e) {
        return Fail(VA_ERR_INTERNAL, "%s: %s", function, e.what());
    } catch (...) {
        return Fail(VA_ERR_INTERNAL, "%s: unknown C++ exception", function);
    }
}

// Validates (width, height, stride, bytes) of a BGR buffer; returns VA_OK or sets the error.
int CheckImage(const char* function, const char* name, const void* data, int32_t width, int32_t height,
               int32_t stride, int64_t bytes) {
    if (data == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: %s is null", function, name);
    if (width <= 0 || height <= 0)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: %s size %dx%d is not positive", function, name, width, height);
    if (static_cast<int64_t>(stride) < static_cast<int64_t>(width) * 3)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: %s stride %d is less than width*3 = %lld", function, name,
                    stride, static_cast<long long>(width) * 3);
    const int64_t needed = static_cast<int64_t>(stride) * height;
    if (bytes < needed)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: %s holds %lld bytes but %dx%d with stride %d needs %lld",
                    function, name, static_cast<long long>(bytes), width, height, stride,
                    static_cast<long long>(needed));
    return VA_OK;
}

// "rtsp://user:secret@host/x" -> "rtsp://***@host/x": messages must never carry credentials.
std::string Redact(const std::string& source) {
    const size_t scheme = source.find("://");
    if (scheme == std::string::npos) return source;
    const size_t authorityStart = scheme + 3;
    size_t authorityEnd = source.find_first_of("/?#", authorityStart);
    if (authorityEnd == std::string::npos) authorityEnd = source.size();
    const size_t at = source.rfind('@', authorityEnd);
    if (at == std::string::npos || at < authorityStart) return source;
    return source.substr(0, authorityStart) + "***" + source.substr(at);
}

const char* BackendName(int32_t backend) {
    switch (backend) {
        case VA_BACKEND_FFMPEG: return "FFMPEG";
        case VA_BACKEND_GSTREAMER: return "GSTREAMER";
        default: return "ANY";
    }
}

cv::VideoCaptureAPIs ToApi(int32_t backend) {
    switch (backend) {
        case VA_BACKEND_FFMPEG: return cv::CAP_FFMPEG;
        case VA_BACKEND_GSTREAMER: return cv::CAP_GSTREAMER;
        default: return cv::CAP_ANY;
    }
}

// OpenCV's FFmpeg backend reads its demuxer options (rtsp_transport) from this process-global variable at
// open time. Every open that may reach FFmpeg holds this lock, so no open sees another's options.
std::mutex g_ffmpegOpenLock;
constexpr const char* FfmpegOptionsVariable = "OPENCV_FFMPEG_CAPTURE_OPTIONS";

// The demuxer options of one FFmpeg open of a network URL, in OPENCV_FFMPEG_CAPTURE_OPTIONS syntax.
// OpenCV 4.6 opens one FFmpeg stream at a time per process (its own mutex, held through stream probing), so every
// second an open spends probing is a second every other camera of the node waits. By default FFmpeg's probe reads
// 20 frames to estimate the frame rate (fpsprobesize): ~0.8 s of a 25 fps live stream, two thirds of a loopback
// RTSP open (1.2 s -> 0.4 s measured with gst-rtsp-server). A live camera's rate is not read from the source (the
// camera samples by the clock), so the estimate is skipped: fpsprobesize 0. Codec parameters (size, pixel format)
// are still probed in full. An operator's own OPENCV_FFMPEG_CAPTURE_OPTIONS come after ours and so win; the
// camera's explicit transport comes last. Without the variable OpenCV would default to rtsp_transport tcp, and
// setting the variable drops that default, so it is restated when the operator names no transport.
std::string NetworkFfmpegOptions(const char* transport) {
    std::string options = "fpsprobesize;0";
    const char* operatorOptions = std::getenv(FfmpegOptionsVariable);
    const bool operatorSet = operatorOptions != nullptr && *operatorOptions != '\0';
    if (operatorSet) options.append("|").append(operatorOptions);
    if (transport != nullptr) options.append("|rtsp_transport;").append(transport);
    else if (!operatorSet) options.append("|rtsp_transport;tcp");
    return options;
}

// Sets OPENCV_FFMPEG_CAPTURE_OPTIONS for the duration of one open and restores the previous value.
class ScopedFfmpegOptions {
public:
    explicit ScopedFfmpegOptions(const char* value) {
        if (value == nullptr) return;
        const char* previous = std::getenv(FfmpegOptionsVariable);
        _hadPrevious = previous != nullptr;
        if (_hadPrevious) _previous = previous;
        setenv(FfmpegOptionsVariable, value, 1);
        _active = true;
    }
    ~ScopedFfmpegOptions() {
        if (!_active) return;
        if (_hadPrevious) setenv(FfmpegOptionsVariable, _previous.c_str(), 1);
        else unsetenv(FfmpegOptionsVariable);
    }
    ScopedFfmpegOptions(const ScopedFfmpegOptions&) = delete;
    ScopedFfmpegOptions& operator=(const ScopedFfmpegOptions&) = delete;

private:
    bool _active = false;
    bool _hadPrevious = false;
    std::string _previous;
};

bool IsUrl(const std::string& source) { return source.find("://") != std::string::npos; }

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

struct va_capture {
    cv::VideoCapture capture;
    cv::Mat frame;      // a decoded frame that could not go straight into the caller's buffer
    cv::Mat converted;  // scratch for non-BGR frames (gray, BGRA)
    std::string display;  // the source with credentials redacted, for messages
    bool live = false;    // a URL or pipeline: a failed read is an error, not an end of file
    bool grabbed = false; // a frame is decoded inside OpenCV and not yet retrieved
    bool pending = false; // `frame` holds the grabbed frame, converted, not yet delivered (buffer was too small)
    bool ended = false;
    int64_t frames = 0;   // frames grabbed so far; the grabbed frame's index is frames - 1
    int32_t lastWidth = 0;
    int32_t lastHeight = 0;
    double lastTimestamp = 0;  // the grabbed frame's
};

namespace {

int OpenCapture(const char* source, const va_capture_options* options, va_capture** out) {
    const char* fn = "va_capture_open";
    if (out == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: out_capture is null", fn);
    if (source == nullptr || *source == '\0') return Fail(VA_ERR_INVALID_ARGUMENT, "%s: source is empty", fn);
    va_capture_options o{};
    if (options != nullptr) o = *options;
    if (o.backend < VA_BACKEND_ANY || o.backend > VA_BACKEND_GSTREAMER)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: unknown backend %d", fn, o.backend);
    if (o.rtsp_transport < VA_RTSP_TRANSPORT_DEFAULT || o.rtsp_transport > VA_RTSP_TRANSPORT_UDP)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: unknown RTSP transport %d", fn, o.rtsp_transport);
    if (o.open_timeout_ms < 0 || o.read_timeout_ms < 0 || o.buffer_size < 0 || o.reserved != 0)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: timeouts and buffer size must be >= 0, reserved 0", fn);

    std::string target(source);
    const std::string display = Redact(target);
    const bool url = IsUrl(target);
    const bool pipeline = o.backend == VA_BACKEND_GSTREAMER && !url && target.find('!') != std::string::npos;
    if (!url && !pipeline) {
        struct stat st {};
        if (::stat(target.c_str(), &st) != 0)
            return Fail(VA_ERR_OPEN_FAILED, "cannot open '%s': no such file", display.c_str());
        if (S_ISDIR(st.st_mode))
            return Fail(VA_ERR_OPEN_FAILED, "cannot open '%s': it is a directory", display.c_str());
    }
    const cv::VideoCaptureAPIs api = ToApi(o.backend);
    if (api != cv::CAP_ANY && !cv::videoio_registry::hasBackend(api))
        return Fail(VA_ERR_NOT_SUPPORTED, "cannot open '%s': this OpenCV (%s) has no %s backend",
                    display.c_str(), CV_VERSION, BackendName(o.backend));
    if (o.backend == VA_BACKEND_GSTREAMER && (o.open_timeout_ms > 0 || o.read_timeout_ms > 0))
        return Fail(VA_ERR_NOT_SUPPORTED,
                    "cannot open '%s': OpenCV %s's GStreamer backend has no open/read timeouts; leave them at 0 "
                    "(backend default) or use the FFmpeg backend",
                    display.c_str(), CV_VERSION);

    const char* transport = o.rtsp_transport == VA_RTSP_TRANSPORT_TCP   ? "tcp"
                            : o.rtsp_transport == VA_RTSP_TRANSPORT_UDP ? "udp"
                                                                        : nullptr;
    // GStreamer's URI path has no transport knob: an rtsp:// URL with a transport becomes an explicit
    // rtspsrc pipeline (rtspsrc's `protocols` property), ending in the BGR appsink OpenCV expects.
    if (o.backend == VA_BACKEND_GSTREAMER && transport != nullptr && StartsWith(target, "rtsp")) {
        if (target.find_first_of("\"\\ \t\r\n") != std::string::npos)
            return Fail(VA_ERR_INVALID_ARGUMENT, "cannot open '%s': URL contains quotes, backslashes or spaces",
                        display.c_str());
        target = "rtspsrc location=\"" + target + "\" protocols=" + transport +
                 " ! decodebin ! videoconvert ! video/x-raw,format=BGR ! appsink";
    }

    std::vector<int> params;
    if (o.open_timeout_ms > 0) params.insert(params.end(), {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, o.open_timeout_ms});
    if (o.read_timeout_ms > 0) params.insert(params.end(), {cv::CAP_PROP_READ_TIMEOUT_MSEC, o.read_timeout_ms});

    auto capture = std::make_unique<va_capture>();
    capture->display = display;
    capture->live = url || pipeline;
    bool opened;
    if (api == cv::CAP_FFMPEG || api == cv::CAP_ANY) {
        std::lock_guard<std::mutex> lock(g_ffmpegOpenLock);
        // Files keep FFmpeg's full probe: their frame rate paces playback and their opens take milliseconds.
        const std::string ffmpegOptions = url ? NetworkFfmpegOptions(transport) : std::string();
        ScopedFfmpegOptions scoped(url ? ffmpegOptions.c_str() : nullptr);
        opened = capture->capture.open(target, api, params);
    } else {
        opened = capture->capture.open(target, api, params);
    }
    if (!opened || !capture->capture.isOpened())
        return Fail(VA_ERR_OPEN_FAILED,
                    "cannot open '%s' with backend %s: the source is unreachable, not a video, corrupt, or "
                    "uses a codec this OpenCV cannot decode (OpenCV's log has the detail)",
                    display.c_str(), BackendName(o.backend));
    if (o.buffer_size > 0) {
        // A hint: the FFmpeg backend has no such property and says so by returning false.
        capture->capture.set(cv::CAP_PROP_BUFFERSIZE, o.buffer_size);
    }
    capture->lastWidth = static_cast<int32_t>(capture->capture.get(cv::CAP_PROP_FRAME_WIDTH));
    capture->lastHeight = static_cast<int32_t>(capture->capture.get(cv::CAP_PROP_FRAME_HEIGHT));
    *out = capture.release();
    return VA_OK;
}

// Brings c->frame to 8-bit BGR (3 channels); returns VA_OK or an error.
int NormalizeFrame(va_capture* c) {
    switch (c->frame.type()) {
        case CV_8UC3: return VA_OK;
        case CV_8UC1: cv::cvtColor(c->frame, c->converted, cv::COLOR_GRAY2BGR); break;
        case CV_8UC4: cv::cvtColor(c->frame, c->converted, cv::COLOR_BGRA2BGR); break;
        default:
            return Fail(VA_ERR_READ_FAILED, "read from '%s': unexpected frame type %d", c->display.c_str(),
                        c->frame.type());
    }
    std::swap(c->frame, c->converted);
    return VA_OK;
}

// CAP_PROP_POS_MSEC of the frame just grabbed, never going backwards. OpenCV 4.6's FFmpeg backend reports
// 0 for the frames drained from the decoder at the end of a file with B-frames; those get the previous
// timestamp plus one frame duration (1000 / fps) instead.
double FrameTimestamp(va_capture* c) {
    double timestamp = c->capture.get(cv::CAP_PROP_POS_MSEC);
    if (c->frames > 0) {
        if (!(timestamp > c->lastTimestamp)) {
            const double fps = c->capture.get(cv::CAP_PROP_FPS);
            timestamp = c->lastTimestamp + (fps > 0 && std::isfinite(fps) ? 1000.0 / fps : 0.0);
        }
    }
    c->lastTimestamp = timestamp;
    return timestamp;
}

void FillInfo(va_frame_info* info, int32_t width, int32_t height, double timestamp, int64_t index) {
    info->width = width;
    info->height = height;
    info->stride = width * 3;
    info->reserved = 0;
    info->timestamp_ms = timestamp;
    info->required_bytes = static_cast<int64_t>(width) * 3 * height;
    info->index = index;
}

bool ValidBuffer(const uint8_t* bgr, int64_t capacity) { return capacity >= 0 && (bgr != nullptr || capacity == 0); }

// Decodes the next frame inside OpenCV without converting it; a frame grabbed and never retrieved is skipped.
int GrabFrame(va_capture* c, va_frame_info* info) {
    if (c == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_grab: capture is null");
    if (info == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_grab: out_info is null");
    c->grabbed = false;
    c->pending = false;
    if (c->ended) return VA_END_OF_STREAM;
    if (!c->capture.grab()) {
        if (c->live)
            return Fail(VA_ERR_READ_FAILED,
                        "read from '%s' failed after %lld frames: the stream was lost, timed out or ended",
                        c->display.c_str(), static_cast<long long>(c->frames));
        if (c->frames == 0)
            return Fail(VA_ERR_READ_FAILED,
                        "read from '%s' failed: the file has no decodable video frame (corrupt, truncated "
                        "or an unsupported codec)",
                        c->display.c_str());
        c->ended = true;
        return VA_END_OF_STREAM;
    }
    const double timestamp = FrameTimestamp(c);
    c->grabbed = true;
    FillInfo(info, c->lastWidth, c->lastHeight, timestamp, c->frames++);
    return VA_OK;
}

// Converts the grabbed frame to packed BGR in the caller's buffer.
int RetrieveFrame(va_capture* c, uint8_t* bgr, int64_t capacity, va_frame_info* info) {
    const char* fn = "va_capture_retrieve";
    if (c == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: capture is null", fn);
    if (info == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: out_info is null", fn);
    if (!ValidBuffer(bgr, capacity)) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: buffer is null or capacity negative", fn);
    if (!c->grabbed && !c->pending)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: no frame grabbed (grab first; a frame is retrieved once)", fn);

    if (c->grabbed) {
        c->grabbed = false;
        // Fast path: when the frame has the previous frame's size and fits, OpenCV converts straight into the
        // caller's buffer (retrieve() writes into a Mat whose size and type match).
        const int64_t expected = static_cast<int64_t>(c->lastWidth) * 3 * c->lastHeight;
        if (c->lastWidth > 0 && c->lastHeight > 0 && capacity >= expected) {
            cv::Mat target(c->lastHeight, c->lastWidth, CV_8UC3, bgr, static_cast<size_t>(c->lastWidth) * 3);
            if (!c->capture.retrieve(target) || target.empty())
                return Fail(VA_ERR_READ_FAILED, "read from '%s': the frame could not be decoded",
                            c->display.c_str());
            if (target.data == bgr) {
                FillInfo(info, c->lastWidth, c->lastHeight, c->lastTimestamp, c->frames - 1);
                return VA_OK;
            }
            c->frame = target;  // size or type changed: OpenCV allocated; deliver through the slow path
        } else if (!c->capture.retrieve(c->frame) || c->frame.empty()) {
            return Fail(VA_ERR_READ_FAILED, "read from '%s': the frame could not be decoded", c->display.c_str());
        }
        const int status = NormalizeFrame(c);
        if (status != VA_OK) return status;
        c->lastWidth = c->frame.cols;
        c->lastHeight = c->frame.rows;
        c->pending = true;
    }

    FillInfo(info, c->frame.cols, c->frame.rows, c->lastTimestamp, c->frames - 1);
    if (capacity < info->required_bytes)
        return Fail(VA_ERR_BUFFER_TOO_SMALL,
                    "read from '%s': the frame is %dx%d BGR and needs %lld bytes, the buffer holds %lld; the "
                    "frame is kept for the next read",
                    c->display.c_str(), info->width, info->height, static_cast<long long>(info->required_bytes),
                    static_cast<long long>(capacity));
    cv::Mat target(c->frame.rows, c->frame.cols, CV_8UC3, bgr, static_cast<size_t>(info->stride));
    c->frame.copyTo(target);
    c->pending = false;
    return VA_OK;
}

// A frame kept after VA_ERR_BUFFER_TOO_SMALL is delivered before anything new is grabbed.
int ReadFrame(va_capture* c, uint8_t* bgr, int64_t capacity, va_frame_info* info) {
    if (c == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_read: capture is null");
    if (info == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_read: out_info is null");
    if (!ValidBuffer(bgr, capacity))
        return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_read: buffer is null or capacity negative");
    if (!c->pending) {
        const int status = GrabFrame(c, info);
        if (status != VA_OK) return status;
    }
    return RetrieveFrame(c, bgr, capacity, info);
}

// The EXIF Orientation tag (0x0112) of an APP1 "Exif" payload, or 1 (upright) when it has none or cannot be read.
int ExifOrientation(const uint8_t* p, int64_t n) {
    if (n < 6 + 8 || std::memcmp(p, "Exif\0\0", 6) != 0) return 1;
    const uint8_t* t = p + 6;
    const int64_t tn = n - 6;
    const bool little = t[0] == 'I' && t[1] == 'I';
    if (!little && !(t[0] == 'M' && t[1] == 'M')) return 1;
    auto u16 = [&](int64_t at) -> uint32_t {
        return little ? (uint32_t(t[at]) | (uint32_t(t[at + 1]) << 8)) : ((uint32_t(t[at]) << 8) | t[at + 1]);
    };
    auto u32 = [&](int64_t at) -> uint32_t {
        return little ? (u16(at) | (u16(at + 2) << 16)) : ((u16(at) << 16) | u16(at + 2));
    };
    if (u16(2) != 42) return 1;
    const int64_t ifd = u32(4);
    if (ifd + 2 > tn) return 1;
    const int64_t count = u16(ifd);
    for (int64_t k = 0; k < count; k++) {
        const int64_t e = ifd + 2 + 12 * k;
        if (e + 12 > tn) return 1;
        if (u16(e) == 0x0112 && u16(e + 2) == 3 /* SHORT */) {
            const uint32_t v = u16(e + 8);
            return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
        }
    }
    return 1;
}

// Whether a PNG carries an eXIf chunk before its image data (OpenCV may then orient it; its header size may lie).
bool PngHasExif(const uint8_t* d, int64_t n) {
    int64_t i = 8;
    while (i + 8 <= n) {
        const int64_t length = (int64_t(d[i]) << 24) | (int64_t(d[i + 1]) << 16) | (int64_t(d[i + 2]) << 8) | d[i + 3];
        if (std::memcmp(d + i + 4, "eXIf", 4) == 0) return true;
        if (std::memcmp(d + i + 4, "IDAT", 4) == 0) return false;
        i += 12 + length;
    }
    return false;
}

// Width/height of the image as decoded — after EXIF orientation, as cv::imdecode with IMREAD_COLOR applies it
// (orientations 5..8 turn it a quarter, so width and height swap) — from a JPEG SOF + APP1 or a PNG IHDR header.
// Returns false when the bytes are neither (or the header does not say, e.g. a DNL-sized JPEG, or a PNG with eXIf);
// the caller then decodes to find out.
bool ParseHeaderSize(const uint8_t* d, int64_t n, int32_t* width, int32_t* height) {
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 24 && std::memcmp(d, png, 8) == 0 && std::memcmp(d + 12, "IHDR", 4) == 0) {
        const uint32_t w = (uint32_t(d[16]) << 24) | (uint32_t(d[17]) << 16) | (uint32_t(d[18]) << 8) | d[19];
        const uint32_t h = (uint32_t(d[20]) << 24) | (uint32_t(d[21]) << 16) | (uint32_t(d[22]) << 8) | d[23];
        if (w == 0 || h == 0 || w > INT32_MAX / 4 || h > INT32_MAX / 4 || PngHasExif(d, n)) return false;
        *width = static_cast<int32_t>(w);
        *height = static_cast<int32_t>(h);
        return true;
    }
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return false;
    int32_t w = 0, h = 0;
    int orientation = 1;
    bool exifSeen = false;
    // Scans every segment up to the scan: the APP1 may follow the frame header.
    auto done = [&]() {
        if (w == 0) return false;
        const bool quarterTurn = orientation >= 5;
        *width = quarterTurn ? h : w;
        *height = quarterTurn ? w : h;
        return true;
    };
    int64_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) return false;
        const uint8_t marker = d[i + 1];
        if (marker == 0xFF) { i++; continue; }  // fill byte
        i += 2;
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
        if (marker == 0xD9 || marker == 0xDA) return done();  // end of image / start of scan
        const int64_t length = (int64_t(d[i]) << 8) | d[i + 1];
        if (length < 2) return false;
        if (i + length > n) return false;
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof && w == 0) {
            if (length < 7) return false;
            h = (int32_t(d[i + 3]) << 8) | d[i + 4];
            w = (int32_t(d[i + 5]) << 8) | d[i + 6];
            if (w == 0 || h == 0) return false;
        } else if (marker == 0xE1 && !exifSeen && length >= 2 + 6 && std::memcmp(d + i + 2, "Exif\0\0", 6) == 0) {
            exifSeen = true;  // the first Exif segment is the one decoders read
            orientation = ExifOrientation(d + i + 2, length - 2);
        }
        i += length;
    }
    return false;
}

// IMREAD_COLOR applies EXIF orientation: a phone photo taken upright is decoded upright (ParseHeaderSize agrees).
constexpr int DecodeFlags = cv::IMREAD_COLOR;

int QueryImage(const uint8_t* data, int64_t length, int32_t* width, int32_t* height) {
    const char* fn = "va_image_query";
    if (data == nullptr || length <= 0) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: data is empty", fn);
    if (length > INT_MAX) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: %lld bytes is too large", fn,
                                      static_cast<long long>(length));
    if (ParseHeaderSize(data, length, width, height)) return VA_OK;
    // Not a JPEG/PNG header we can read: let OpenCV decode it (BMP, TIFF, WebP... or garbage).
    const cv::Mat encoded(1, static_cast<int>(length), CV_8U, const_cast<uint8_t*>(data));
    const cv::Mat decoded = cv::imdecode(encoded, DecodeFlags);
    if (decoded.empty())
        return Fail(VA_ERR_DECODE_FAILED,
                    "the %lld bytes (starting %02x %02x %02x %02x) are not an image OpenCV can decode",
                    static_cast<long long>(length), data[0], length > 1 ? data[1] : 0, length > 2 ? data[2] : 0,
                    length > 3 ? data[3] : 0);
    *width = decoded.cols;
    *height = decoded.rows;
    return VA_OK;
}

int DecodeImage(const uint8_t* data, int64_t length, uint8_t* bgr, int64_t capacity, int32_t stride,
                int32_t* outWidth, int32_t* outHeight) {
    const char* fn = "va_image_decode";
    if (outWidth == nullptr || outHeight == nullptr)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: out_width/out_height is null", fn);
    if (capacity < 0 || (bgr == nullptr && capacity != 0) || stride < 0)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: buffer is null or capacity/stride negative", fn);
    int32_t width = 0, height = 0;
    int status = QueryImage(data, length, &width, &height);
    if (status != VA_OK) return status;
    const int64_t rowBytes = static_cast<int64_t>(width) * 3;
    if (stride != 0 && stride < rowBytes)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: stride %d is less than width*3 = %lld", fn, stride,
                    static_cast<long long>(rowBytes));
    const int64_t rowStride = stride != 0 ? stride : rowBytes;
    const int64_t required = rowStride * height;
    *outWidth = width;
    *outHeight = height;
    if (capacity < required)
        return Fail(VA_ERR_BUFFER_TOO_SMALL, "%s: the %dx%d image needs %lld bytes, the buffer holds %lld", fn,
                    width, height, static_cast<long long>(required), static_cast<long long>(capacity));
    const cv::Mat target(height, width, CV_8UC3, bgr, static_cast<size_t>(rowStride));
    // imdecode decodes into `into` in place when the stored size is the oriented one; for a quarter-turned image it
    // reallocates `into` and rotates, and `target` (a header of its own) still views the caller's buffer to copy to.
    cv::Mat into = target;
    const cv::Mat encoded(1, static_cast<int>(length), CV_8U, const_cast<uint8_t*>(data));
    const cv::Mat decoded = cv::imdecode(encoded, DecodeFlags, &into);
    if (decoded.empty())
        return Fail(VA_ERR_DECODE_FAILED, "%s: the %lld bytes have a %dx%d header but do not decode (corrupt?)",
                    fn, static_cast<long long>(length), width, height);
    if (decoded.data != bgr) {
        if (decoded.cols != width || decoded.rows != height || decoded.type() != CV_8UC3)
            return Fail(VA_ERR_DECODE_FAILED, "%s: decoded %dx%d differs from the header's %dx%d", fn,
                        decoded.cols, decoded.rows, width, height);
        decoded.copyTo(target);
    }
    return VA_OK;
}

int EncodeJpeg(const uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes,
               int32_t quality, uint8_t* out, int64_t capacity, int64_t* written) {
    const char* fn = "va_jpeg_encode";
    int status = CheckImage(fn, "image", bgr, width, height, stride, bytes);
    if (status != VA_OK) return status;
    if (written == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: out_written is null", fn);
    if (quality < 1 || quality > 100)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: quality %d is outside 1..100", fn, quality);
    if (capacity < 0 || (out == nullptr && capacity != 0))
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: output buffer is null or capacity negative", fn);
    // Reused per thread so steady-state encoding does not grow a new vector each frame.
    thread_local std::vector<uchar> encoded;
    thread_local std::vector<int> params(2);
    params[0] = cv::IMWRITE_JPEG_QUALITY;
    params[1] = quality;
    const cv::Mat image(height, width, CV_8UC3, const_cast<uint8_t*>(bgr), static_cast<size_t>(stride));
    if (!cv::imencode(".jpg", image, encoded, params) || encoded.empty())
        return Fail(VA_ERR_ENCODE_FAILED, "%s: OpenCV could not encode the %dx%d image", fn, width, height);
    const int64_t size = static_cast<int64_t>(encoded.size());
    *written = size;
    if (capacity < size)
        return Fail(VA_ERR_BUFFER_TOO_SMALL, "%s: the JPEG is %lld bytes, the buffer holds %lld", fn,
                    static_cast<long long>(size), static_cast<long long>(capacity));
    std::memcpy(out, encoded.data(), encoded.size());
    return VA_OK;
}

int Resize(const uint8_t* src, int32_t sw, int32_t sh, int32_t ss, int64_t sb, uint8_t* dst, int32_t dw,
           int32_t dh, int32_t ds, int64_t db) {
    const char* fn = "va_resize_bgr";
    int status = CheckImage(fn, "source", src, sw, sh, ss, sb);
    if (status != VA_OK) return status;
    status = CheckImage(fn, "destination", dst, dw, dh, ds, db);
    if (status != VA_OK) return status;
    const uint8_t* srcEnd = src + static_cast<int64_t>(ss) * sh;
    const uint8_t* dstEnd = dst + static_cast<int64_t>(ds) * dh;
    if (src < dstEnd && dst < srcEnd) return Fail(VA_ERR_INVALID_ARGUMENT, "%s: source and destination overlap", fn);
    const cv::Mat source(sh, sw, CV_8UC3, const_cast<uint8_t*>(src), static_cast<size_t>(ss));
    cv::Mat target(dh, dw, CV_8UC3, dst, static_cast<size_t>(ds));
    cv::resize(source, target, target.size(), 0, 0, cv::INTER_LINEAR);
    if (target.data != dst) return Fail(VA_ERR_INTERNAL, "%s: OpenCV reallocated the destination", fn);
    return VA_OK;
}

const cv::Scalar Palette[] = {
    {56, 56, 255}, {151, 157, 255}, {31, 112, 255}, {29, 178, 255}, {49, 210, 207}, {10, 249, 72},
    {23, 204, 146}, {134, 219, 61}, {211, 188, 0}, {209, 124, 0}, {255, 149, 0}, {255, 56, 132},
    {133, 0, 82}, {255, 56, 203}, {200, 149, 255}, {199, 55, 255},
};

int DrawBoxes(uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes, const va_box* boxes,
              int32_t count, const char* const* labels, int32_t labelCount, int32_t thickness, double fontScale) {
    const char* fn = "va_draw_boxes";
    int status = CheckImage(fn, "image", bgr, width, height, stride, bytes);
    if (status != VA_OK) return status;
    if (count < 0 || (count > 0 && boxes == nullptr))
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: boxes is null or count negative", fn);
    if (labelCount < 0 || (labelCount > 0 && labels == nullptr))
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: labels is null or label_count negative", fn);
    if (thickness < 1 || thickness > 64)
        return Fail(VA_ERR_INVALID_ARGUMENT, "%s: thickness %d is outside 1..64", fn, thickness);
    if (!(fontScale > 0)) fontScale = 0.5;
    cv::Mat image(height, width, CV_8UC3, bgr, static_cast<size_t>(stride));
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    char text[192];
    for (int32_t k = 0; k < count; ++k) {
        const va_box& b = boxes[k];
        if (!std::isfinite(b.x1) || !std::isfinite(b.y1) || !std::isfinite(b.x2) || !std::isfinite(b.y2)) continue;
        const int x1 = std::max(0, std::min(width - 1, cvRound(std::min(b.x1, b.x2))));
        const int y1 = std::max(0, std::min(height - 1, cvRound(std::min(b.y1, b.y2))));
        const int x2 = std::max(0, std::min(width - 1, cvRound(std::max(b.x1, b.x2))));
        const int y2 = std::max(0, std::min(height - 1, cvRound(std::max(b.y1, b.y2))));
        const cv::Scalar color = Palette[(b.label < 0 ? 0 : b.label) % (sizeof Palette / sizeof Palette[0])];
        cv::rectangle(image, cv::Point(x1, y1), cv::Point(x2, y2), color, thickness, cv::LINE_8);

        int length = 0;
        if (b.label >= 0 && b.label < labelCount && labels[b.label] != nullptr)
            length = std::snprintf(text, sizeof text, "%s", labels[b.label]);
        else if (b.label >= 0)
            length = std::snprintf(text, sizeof text, "#%d", b.label);
        if (b.score >= 0 && std::isfinite(b.score) && length >= 0 && length < static_cast<int>(sizeof text))
            std::snprintf(text + length, sizeof text - length, length > 0 ? " %.2f" : "%.2f", b.score);
        if (text[0] == '\0' || (b.label < 0 && !(b.score >= 0))) continue;

        int baseline = 0;
        const cv::Size size = cv::getTextSize(text, font, fontScale, 1, &baseline);
        const int tagHeight = size.height + baseline + 2;
        const int top = y1 - tagHeight >= 0 ? y1 - tagHeight : y1;  // above the box, else inside it
        const cv::Rect tag(x1, top, std::min(size.width + 4, width - x1), std::min(tagHeight, height - top));
        cv::rectangle(image, tag, color, cv::FILLED);
        const double luminance = 0.114 * color[0] + 0.587 * color[1] + 0.299 * color[2];
        const cv::Scalar ink = luminance > 140 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
        cv::putText(image, text, cv::Point(x1 + 2, top + size.height + 1), font, fontScale, ink, 1, cv::LINE_AA);
    }
    return VA_OK;
}

}  // namespace

extern "C" {

VA_API int va_capture_open(const char* source, const va_capture_options* options, va_capture** out_capture) {
    return Guarded("va_capture_open", [&] { return OpenCapture(source, options, out_capture); });
}

VA_API int va_capture_read(va_capture* capture, uint8_t* bgr, int64_t capacity, va_frame_info* out_info) {
    return Guarded("va_capture_read", [&] { return ReadFrame(capture, bgr, capacity, out_info); });
}

VA_API int va_capture_grab(va_capture* capture, va_frame_info* out_info) {
    return Guarded("va_capture_grab", [&] { return GrabFrame(capture, out_info); });
}

VA_API int va_capture_retrieve(va_capture* capture, uint8_t* bgr, int64_t capacity, va_frame_info* out_info) {
    return Guarded("va_capture_retrieve", [&] { return RetrieveFrame(capture, bgr, capacity, out_info); });
}

VA_API int va_capture_get(va_capture* capture, int32_t property, double* out_value) {
    return Guarded("va_capture_get", [&] {
        if (capture == nullptr || out_value == nullptr)
            return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_get: capture or out_value is null");
        int id;
        switch (property) {
            case VA_PROP_FPS: id = cv::CAP_PROP_FPS; break;
            case VA_PROP_WIDTH: id = cv::CAP_PROP_FRAME_WIDTH; break;
            case VA_PROP_HEIGHT: id = cv::CAP_PROP_FRAME_HEIGHT; break;
            case VA_PROP_FRAME_COUNT: id = cv::CAP_PROP_FRAME_COUNT; break;
            case VA_PROP_POSITION_MS: id = cv::CAP_PROP_POS_MSEC; break;
            case VA_PROP_POSITION_FRAMES: id = cv::CAP_PROP_POS_FRAMES; break;
            default: return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_get: unknown property %d", property);
        }
        *out_value = capture->capture.get(id);
        return VA_OK;
    });
}

VA_API int va_capture_backend_name(va_capture* capture, char* buffer, int32_t capacity) {
    return Guarded("va_capture_backend_name", [&] {
        if (capture == nullptr || buffer == nullptr || capacity <= 0)
            return Fail(VA_ERR_INVALID_ARGUMENT, "va_capture_backend_name: capture or buffer is null");
        const std::string name = capture->capture.getBackendName();
        std::snprintf(buffer, static_cast<size_t>(capacity), "%s", name.c_str());
        return VA_OK;
    });
}

VA_API int va_capture_release(va_capture* capture) {
    if (capture == nullptr) return VA_OK;
    int status = Guarded("va_capture_release", [&] {
        capture->capture.release();
        return VA_OK;
    });
    try {
        delete capture;
    } catch (...) {
        status = Fail(VA_ERR_INTERNAL, "va_capture_release: freeing the capture threw");
    }
    return status;
}

VA_API int va_backend_available(int32_t backend, int32_t* out_available) {
    return Guarded("va_backend_available", [&] {
        if (out_available == nullptr || backend < VA_BACKEND_ANY || backend > VA_BACKEND_GSTREAMER)
            return Fail(VA_ERR_INVALID_ARGUMENT, "va_backend_available: bad backend %d or null out", backend);
        *out_available = backend == VA_BACKEND_ANY || cv::videoio_registry::hasBackend(ToApi(backend)) ? 1 : 0;
        return VA_OK;
    });
}

VA_API int va_resize_bgr(const uint8_t* src, int32_t src_width, int32_t src_height, int32_t src_stride,
                         int64_t src_bytes, uint8_t* dst, int32_t dst_width, int32_t dst_height,
                         int32_t dst_stride, int64_t dst_bytes) {
    return Guarded("va_resize_bgr", [&] {
        return Resize(src, src_width, src_height, src_stride, src_bytes, dst, dst_width, dst_height, dst_stride,
                      dst_bytes);
    });
}

VA_API int va_jpeg_encode(const uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes,
                          int32_t quality, uint8_t* out, int64_t capacity, int64_t* out_written) {
    return Guarded("va_jpeg_encode", [&] {
        return EncodeJpeg(bgr, width, height, stride, bytes, quality, out, capacity, out_written);
    });
}

VA_API int va_image_query(const uint8_t* data, int64_t length, int32_t* out_width, int32_t* out_height) {
    return Guarded("va_image_query", [&] {
        if (out_width == nullptr || out_height == nullptr)
            return Fail(VA_ERR_INVALID_ARGUMENT, "va_image_query: out_width/out_height is null");
        int32_t width = 0, height = 0;
        const int status = QueryImage(data, length, &width, &height);
        if (status == VA_OK) {
            *out_width = width;
            *out_height = height;
        }
        return status;
    });
}

VA_API int va_image_decode(const uint8_t* data, int64_t length, uint8_t* bgr, int64_t capacity, int32_t stride,
                           int32_t* out_width, int32_t* out_height) {
    return Guarded("va_image_decode",
                   [&] { return DecodeImage(data, length, bgr, capacity, stride, out_width, out_height); });
}

VA_API int va_draw_boxes(uint8_t* bgr, int32_t width, int32_t height, int32_t stride, int64_t bytes,
                         const va_box* boxes, int32_t box_count, const char* const* labels, int32_t label_count,
                         int32_t thickness, double font_scale) {
    return Guarded("va_draw_boxes", [&] {
        return DrawBoxes(bgr, width, height, stride, bytes, boxes, box_count, labels, label_count, thickness,
                         font_scale);
    });
}

VA_API int va_last_error(const char** out_message) {
    if (out_message == nullptr) return VA_ERR_INVALID_ARGUMENT;
    *out_message = t_lastError.c_str();
    return VA_OK;
}

VA_API int va_opencv_version(const char** out_version) {
    return Guarded("va_opencv_version", [&] {
        if (out_version == nullptr) return Fail(VA_ERR_INVALID_ARGUMENT, "va_opencv_version: out is null");
        static const std::string version = cv::getVersionString();
        *out_version = version.c_str();
        return VA_OK;
    });
}

VA_API int va_abi_version(int32_t* out_abi) {
    if (out_abi == nullptr) return VA_ERR_INVALID_ARGUMENT;
    *out_abi = VA_ABI_VERSION;
    return VA_OK;
}

}  // extern "C"
