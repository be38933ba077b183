namespace VideoAnalytics.Inference.Native.OpenCv;

/// <summary>
/// A video file, network stream (RTSP, HTTP) or GStreamer pipeline decoded by OpenCV into packed BGR frames.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread reads at a time (a camera loop owns its source). Distinct sources may be read
/// concurrently. Opening through FFmpeg is serialised process-wide for at most the open timeout (OpenCV 4.6 holds one
/// mutex for every FFmpeg open; see also <see cref="VideoSourceOptions.RtspTransport"/>): callers that must not wait
/// on a dead source check it first (the camera grain's SourceProbe). <see cref="TryRead"/>, <see cref="TryGrab"/> and
/// <see cref="TryRetrieve"/> allocate nothing unless they fail.
/// </remarks>
public sealed unsafe class VideoSource : IDisposable
{
    private readonly VideoCaptureHandle _handle;

    private VideoSource(VideoCaptureHandle handle, string backendName)
    {
        _handle = handle;
        BackendName = backendName;
    }

    /// <summary>The backend OpenCV chose, e.g. "FFMPEG".</summary>
    public string BackendName { get; }

    /// <summary>Why the last <see cref="TryRead"/> returned <see cref="FrameReadResult.Error"/> or
    /// <see cref="FrameReadResult.BufferTooSmall"/>; <c>null</c> after a frame. Messages never contain URL credentials.</summary>
    public OpenCvException? LastError { get; private set; }

    /// <summary>Frames per second the stream declares (0 when unknown).</summary>
    public double Fps => Get(OpenCvNative.PropFps);

    /// <summary>Frame width in pixels as the stream declares it.</summary>
    public int Width => (int)Get(OpenCvNative.PropWidth);

    /// <summary>Frame height in pixels as the stream declares it.</summary>
    public int Height => (int)Get(OpenCvNative.PropHeight);

    /// <summary>Frames the container declares; 0 or less when unknown (live streams, the GStreamer backend).</summary>
    public long FrameCount => (long)Get(OpenCvNative.PropFrameCount);

    /// <summary>Position of the last frame read, in milliseconds.</summary>
    public double PositionMs => Get(OpenCvNative.PropPositionMs);

    /// <summary>Frames decoded so far as the backend counts them.</summary>
    public long PositionFrames => (long)Get(OpenCvNative.PropPositionFrames);

    /// <summary>Bytes a packed BGR frame of the declared size needs (Width * 3 * Height); 0 when unknown.</summary>
    public long FrameBytes => (long)Width * 3 * Height;

    /// <summary>Opens <paramref name="source"/>: a file path, a URL (rtsp://, http://…) or, with
    /// <see cref="VideoBackend.GStreamer"/>, a pipeline ending in appsink. The caller owns the returned source and
    /// disposes it.</summary>
    /// <exception cref="OpenCvException">The source cannot be opened (<see cref="OpenCvStatus.OpenFailed"/>: missing
    /// file, unreachable, not a video, corrupt, undecodable codec) or an option is unsupported.</exception>
    public static VideoSource Open(string source, VideoSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        options ??= new VideoSourceOptions();
        if (!Enum.IsDefined(options.Backend))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Backend, "Unknown video backend.");
        }

        if (!Enum.IsDefined(options.RtspTransport))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RtspTransport, "Unknown RTSP transport.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.BufferSize, nameof(options.BufferSize));
        var native = new OpenCvNative.CaptureOptions
        {
            Backend = (int)options.Backend,
            RtspTransport = (int)options.RtspTransport,
            OpenTimeoutMs = ToMilliseconds(options.OpenTimeout, nameof(options.OpenTimeout)),
            ReadTimeoutMs = ToMilliseconds(options.ReadTimeout, nameof(options.ReadTimeout)),
            BufferSize = options.BufferSize,
        };
        var status = OpenCvNative.CaptureOpen(source, &native, out var handle);
        if (status < 0)
        {
            var failure = OpenCvNative.Failure(status);
            handle.Dispose();
            throw failure;
        }

        try
        {
            return new VideoSource(handle, ReadBackendName(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next frame as packed BGR (stride = width * 3) into <paramref name="bgr"/>, which the caller owns;
    /// nothing is kept after the call. A buffer of <see cref="FrameBytes"/> bytes fits every frame of a source
    /// whose size does not change. An empty span asks only for the size (<see cref="FrameReadResult.BufferTooSmall"/>).
    /// </summary>
    /// <returns><see cref="FrameReadResult.Frame"/> with <paramref name="info"/> describing it, or why not.</returns>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    public FrameReadResult TryRead(Span<byte> bgr, out FrameInfo info)
    {
        OpenCvNative.FrameInfoNative native = default;
        int status;
        fixed (byte* buffer = bgr)
        {
            status = OpenCvNative.CaptureRead(_handle, buffer, bgr.Length, &native);
        }

        return Result(status, native, out info);
    }

    /// <summary>
    /// The first half of <see cref="TryRead"/>: decodes the next frame and keeps it, unconverted, for
    /// <see cref="TryRetrieve"/>. A caller that analyses only some frames grabs every frame and retrieves the ones it
    /// keeps; a frame grabbed and not retrieved (the next grab skips it) is never converted to BGR, which costs about
    /// a third of decoding it.
    /// </summary>
    /// <returns><see cref="FrameReadResult.Frame"/> with the frame's <see cref="FrameInfo.Index"/> and timestamp (its
    /// layout is the last known size, which <see cref="TryRetrieve"/> confirms), or why not, as for <see cref="TryRead"/>.</returns>
    public FrameReadResult TryGrab(out FrameInfo info)
    {
        OpenCvNative.FrameInfoNative native = default;
        return Result(OpenCvNative.CaptureGrab(_handle, &native), native, out info);
    }

    /// <summary>
    /// The second half of <see cref="TryRead"/>: converts the grabbed frame into <paramref name="bgr"/>, with
    /// <see cref="TryRead"/>'s results (after <see cref="FrameReadResult.BufferTooSmall"/>, retrieve again with a
    /// larger buffer). A frame is retrieved once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing is grabbed.</exception>
    public FrameReadResult TryRetrieve(Span<byte> bgr, out FrameInfo info)
    {
        OpenCvNative.FrameInfoNative native = default;
        int status;
        fixed (byte* buffer = bgr)
        {
            status = OpenCvNative.CaptureRetrieve(_handle, buffer, bgr.Length, &native);
        }

        if (status == (int)OpenCvStatus.InvalidArgument)
        {
            throw new InvalidOperationException(OpenCvNative.Failure(status).Message);
        }

        return Result(status, native, out info);
    }

    private FrameReadResult Result(int status, in OpenCvNative.FrameInfoNative native, out FrameInfo info)
    {
        info = new FrameInfo(new BgrLayout(native.Width, native.Height, native.Stride), native.TimestampMs, native.Index);
        switch (status)
        {
            case (int)OpenCvStatus.Ok:
                LastError = null;
                return FrameReadResult.Frame;
            case (int)OpenCvStatus.EndOfStream:
                LastError = null;
                return FrameReadResult.EndOfStream;
            case (int)OpenCvStatus.BufferTooSmall:
                LastError = OpenCvNative.Failure(status);
                return FrameReadResult.BufferTooSmall;
            default:
                LastError = OpenCvNative.Failure(status);
                return FrameReadResult.Error;
        }
    }

    public void Dispose() => _handle.Dispose();

    private double Get(int property)
    {
        double value;
        OpenCvNative.Check(OpenCvNative.CaptureGet(_handle, property, &value));
        return value;
    }

    private static string ReadBackendName(VideoCaptureHandle handle)
    {
        var name = stackalloc byte[64];
        OpenCvNative.Check(OpenCvNative.CaptureBackendName(handle, name, 64));
        return new string((sbyte*)name);
    }

    private static int ToMilliseconds(TimeSpan? timeout, string name)
    {
        if (timeout is not { } value)
        {
            return 0;
        }

        if (value < TimeSpan.FromMilliseconds(1) || value.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value, "A timeout must be between 1 ms and int.MaxValue ms.");
        }

        return (int)value.TotalMilliseconds;
    }
}
