using VideoAnalytics.Contracts.Cameras;
using VideoAnalytics.Inference.Native.OpenCv;
using VideoAnalytics.Silo.Pipeline;

namespace VideoAnalytics.Silo.Cameras;

// The capture side of CameraCapture: one loop per generation, on its own thread.
public sealed partial class CameraCapture
{
    /// <summary>The capture loop of one generation: everything here is touched by its own thread only.</summary>
    private sealed class CaptureLoop
    {
        private readonly CameraCapture _grain;
        private readonly int _generation;
        private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ReconnectBackoff _backoff;
        private readonly FrameSampler _sampler;
        private readonly FailureLogThrottle _failureLog;
        private CameraSpec _spec;
        private CapturedFrame? _held;
        private double _fileOffset;

        // Set when the watchdog abandoned the previous loop: its first attempt is a reconnect, not a start.
        private bool _replacesStuckLoop;

        /// <summary>TimeProvider timestamp at which the current read began; 0 when not reading. Read by the watchdog.</summary>
        public long ReadStartedAt;

        public CaptureLoop(CameraCapture grain, int generation, bool replacesStuckLoop)
        {
            _replacesStuckLoop = replacesStuckLoop;
            _grain = grain;
            _generation = generation;
            _spec = grain._spec;
            _sampler = new FrameSampler(_spec.Fps);
            _backoff = new ReconnectBackoff(grain._options.ReconnectInitialDelay, grain._options.ReconnectMaxDelay, grain._time);
            _failureLog = new FailureLogThrottle(grain._time);
        }

        public Task Exited => _exited.Task;

        public void Run()
        {
            try
            {
                while (_grain.IsCurrent(_generation))
                {
                    _spec = _grain._spec;
                    _sampler.SetFps(_spec.Fps);
                    if (!_spec.Enabled)
                    {
                        _grain.Publish(_generation, CameraState.Stopped, null);
                        CameraLog.Stopped(_grain._logger, _grain.Id, "disabled");
                        WaitForSpecChange();
                        continue;
                    }

                    var check = Validate();
                    if (!check.IsValid && check.IsTransient)
                    {
                        // A secret that cannot be read now (a variable not set yet, a secrets mount not updated yet)
                        // may be provided without a new spec: failed, and retried with backoff.
                        Retry(CameraState.Failed, check.Error);
                        continue;
                    }

                    if (!check.IsValid)
                    {
                        _grain.Publish(_generation, CameraState.Failed, check.Error);
                        CameraLog.Refused(_grain._logger, _grain.Id, check.Error);
                        WaitForSpecChange();
                        continue;
                    }

                    try
                    {
                        RunSource(check.Source);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // An unexpected failure (a missing native library, a bug) must not end the thread silently nor
                        // take the process down: report it and start over after a backoff delay.
                        CameraLog.Crashed(_grain._logger, _grain.Id, ex);
                        _grain.Publish(_generation, CameraState.Failed, "internal error: " + check.Source.Safe(ex.Message));
                        Sleep(_backoff.Schedule());
                    }
                }
            }
            finally
            {
                _exited.TrySetResult();
            }
        }

        /// <summary>Opens, streams and reopens one source until stopped or the URL or enabled flag changes.</summary>
        private void RunSource(CameraSource source)
        {
            CameraLog.Starting(_grain._logger, _grain.Id, _grain._silo, source.Display, source.Kind);
            _backoff.Reset();
            _fileOffset = 0;
            if (!_replacesStuckLoop && _grain.CurrentState != CameraState.Streaming)
            {
                _grain.Publish(_generation, CameraState.Starting, null);
            }

            _replacesStuckLoop = false;

            var opens = 0;
            while (_grain.IsCurrent(_generation) && SpecStillFits())
            {
                if (opens++ > 0 && !source.Secrets.IsEmpty)
                {
                    // Every open reads its secrets afresh, so a rotated password is used on the next reconnect; one
                    // that no longer resolves fails the camera naming the reference, and is retried.
                    var again = Validate();
                    if (!again.IsValid)
                    {
                        if (!again.IsTransient)
                        {
                            return; // the run loop reports it and waits for a new spec
                        }

                        Retry(CameraState.Failed, again.Error);
                        continue;
                    }

                    source = again.Source;
                }

                var outcome = Connect(source, out var error);
                if (outcome == Outcome.Stop)
                {
                    return;
                }

                if (outcome == Outcome.EndOfFile)
                {
                    if (_grain._options.LoopFiles)
                    {
                        continue;
                    }

                    _grain.Publish(_generation, CameraState.Stopped, "the file ended (looping is off)");
                    CameraLog.Stopped(_grain._logger, _grain.Id, "the file ended");
                    WaitForSpecChange();
                    return;
                }

                // A file that cannot be read will not heal by itself, but it may be replaced: failed, still retried. A
                // host refused for where it resolves to is failed too, and retried: its name may be pointed elsewhere.
                var state = source.IsLive && outcome != Outcome.Refused ? CameraState.Reconnecting : CameraState.Failed;
                Retry(state, source.Safe(error ?? "the source failed"));
            }
        }

        /// <summary>Validates the current spec's URL with this silo's options, resolving its secret references.</summary>
        private SourceValidationResult Validate() => SourceValidator.Validate(_spec.Url, _grain._options);

        /// <summary>Reports a failed attempt (<paramref name="message"/> already safe to show) and waits out the backoff.</summary>
        private void Retry(CameraState state, string message)
        {
            _grain.Publish(_generation, state, message);
            var delay = _backoff.Schedule();
            _grain._metrics.Reconnects.Add(1, _grain._cameraTag);
            if (_failureLog.ShouldLog(message, out var suppressed))
            {
                CameraLog.Retrying(_grain._logger, _grain.Id, state.ToString(), message, _backoff.Attempts, delay, suppressed);
            }

            Sleep(delay);
        }

        private Outcome Connect(CameraSource source, out string? error)
        {
            // The probe keeps cameras that do not answer out of OpenCV's process-wide open lock; the open timeout
            // (CameraOptions.OpenTimeout, always set: FFmpeg's own default is to wait forever) bounds how long one that
            // answers the probe and then stalls can hold it.
            error = SourceProbe.Check(source, _grain._options.OpenTimeout, _grain._options.AllowLinkLocal, _grain.ProbeResolver, out var refused);
            if (error is not null)
            {
                return refused ? Outcome.Refused : Outcome.Failed;
            }

            VideoSource video;
            try
            {
                video = VideoSource.Open(source.Location, _grain.OpenOptions);
            }
            catch (OpenCvException ex)
            {
                error = ex.Message;
                return _grain.IsCurrent(_generation) ? Outcome.Failed : Outcome.Stop;
            }

            // The source is released by this thread only, after its last read, whatever happened meanwhile.
            using (video)
            {
                return _grain.IsCurrent(_generation) ? Stream(video, source, out error) : Outcome.Stop;
            }
        }

        private Outcome Stream(VideoSource video, CameraSource source, out string? error)
        {
            error = null;
            var time = _grain._time;
            var slot = _grain._slot;
            var nativeFps = video.Fps is > 0 and < 1000 ? video.Fps : 25;
            var held = _held ??= slot.Rent(Math.Max(video.Width, 1), Math.Max(video.Height, 1));
            var openedAt = time.GetTimestamp();
            var lastFrameAt = openedAt;
            long index = 0;
            _sampler.Reset();
            while (true)
            {
                if (!_grain.IsCurrent(_generation) || !SpecStillFits())
                {
                    return Outcome.Stop;
                }

                if (!source.IsLive && !Pace(ref openedAt, index / nativeFps))
                {
                    continue;
                }

                // Every frame is decoded (H.264 frames depend on each other); only the kept ones are converted to BGR.
                Volatile.Write(ref ReadStartedAt, time.GetTimestamp());
                var result = video.TryGrab(out var info);
                Volatile.Write(ref ReadStartedAt, 0);
                if (!_grain.IsCurrent(_generation))
                {
                    return Outcome.Stop;
                }

                switch (result)
                {
                    case FrameReadResult.Frame:
                        // FFmpeg can end a timed-out read with one last (stale) frame: a frame after a gap as long as
                        // the watchdog's is the stall itself, not a recovery.
                        var gap = time.GetElapsedTime(lastFrameAt);
                        if (gap >= _grain._options.WatchdogTimeout)
                        {
                            error = $"watchdog: no frame for {gap.TotalSeconds:0.0} s; the stream stalled";
                            return Outcome.Failed;
                        }

                        lastFrameAt = time.GetTimestamp();
                        var read = Interlocked.Increment(ref _grain._framesRead);
                        var now = time.GetUtcNow();
                        Interlocked.Exchange(ref _grain._lastFrameUtcTicks, now.UtcTicks);
                        _grain._inputRate.Sample(read);
                        var seconds = source.IsLive ? time.GetElapsedTime(openedAt).TotalSeconds : _fileOffset + (index / nativeFps);
                        if (_sampler.Keep(seconds))
                        {
                            if (!Retrieve(video, held, out info))
                            {
                                error = video.LastError?.Message ?? "the frame could not be converted";
                                return Outcome.Failed;
                            }

                            if (index == 0)
                            {
                                OnFirstFrame(video, source, info);
                            }

                            held.FrameIndex = source.IsLive ? read - 1 : index;
                            held.Timestamp = now;
                            held.CapturedTicks = _grain._time.GetTimestamp();
                            held.Epoch = slot.Epoch;
                            Offer(held);
                            held = _held = slot.Rent(info.Width, info.Height);
                        }

                        index++;
                        break;
                    case FrameReadResult.EndOfStream:
                        _fileOffset += index / nativeFps;
                        if (index > 0)
                        {
                            CameraLog.Looping(_grain._logger, _grain.Id, index);
                            return Outcome.EndOfFile;
                        }

                        error = "the file has no decodable video frames";
                        return Outcome.Failed;
                    default:
                        var stalled = time.GetElapsedTime(lastFrameAt);
                        var reason = video.LastError?.Message ?? "the read failed";
                        error = stalled >= _grain._options.WatchdogTimeout
                            ? $"watchdog: no frame for {stalled.TotalSeconds:0.0} s ({reason})"
                            : $"{reason} (no frame for {stalled.TotalSeconds:0.0} s)";
                        return Outcome.Failed;
                }

                if (time.GetElapsedTime(lastFrameAt) >= _grain._options.WatchdogTimeout)
                {
                    error = $"watchdog: no frame for {_grain._options.WatchdogTimeout.TotalSeconds:0.#} s; the stream stalled";
                    return Outcome.Failed;
                }
            }
        }

        // Converts the grabbed frame into the held buffer, growing it on a resolution change (the frame stays
        // inside OpenCV until it fits).
        private static bool Retrieve(VideoSource video, CapturedFrame held, out FrameInfo info)
        {
            var result = video.TryRetrieve(held.Pixels, out info);
            if (result == FrameReadResult.BufferTooSmall)
            {
                held.Resize(info.Width, info.Height);
                result = video.TryRetrieve(held.Pixels, out info);
            }

            if (result != FrameReadResult.Frame)
            {
                return false;
            }

            held.Resize(info.Width, info.Height);
            return true;
        }

        private void OnFirstFrame(VideoSource video, CameraSource source, FrameInfo info)
        {
            _backoff.Reset();
            if (_failureLog.Recovered() is > 0 and var failures)
            {
                CameraLog.Recovered(_grain._logger, _grain.Id, failures);
            }

            if (_grain.CurrentState != CameraState.Streaming)
            {
                _grain.Publish(_generation, CameraState.Streaming, null);
                CameraLog.Streaming(_grain._logger, _grain.Id, source.Display, info.Width, info.Height, video.Fps, video.BackendName, _spec.Fps);
            }
        }

        private void Offer(CapturedFrame frame)
        {
            var slot = _grain._slot;
            if (slot.Offer(frame))
            {
                _grain._metrics.FramesDropped.Add(1, _grain._cameraTag, _grain._replacedTag);
            }

            _grain._metrics.FramesCaptured.Add(1, _grain._cameraTag);
            Interlocked.Increment(ref _grain._framesCaptured);
            _grain._processedRate.Sample(slot.Processed);
        }

        /// <summary>Waits until the file frame at <paramref name="due"/> seconds after the open is due.</summary>
        /// <returns>False when interrupted (stop or spec change): the caller re-checks before reading.</returns>
        private bool Pace(ref long openedAt, double due)
        {
            var time = _grain._time;
            var lag = time.GetElapsedTime(openedAt).TotalSeconds - due;
            if (lag > 1)
            {
                // Far behind (a busy machine): move the schedule rather than burst through the backlog.
                openedAt += (long)(lag * time.TimestampFrequency);
                return true;
            }

            return lag >= 0 || Sleep(TimeSpan.FromSeconds(-lag));
        }

        /// <summary>Adopts an fps or model change in place; false when the URL or enabled flag changed (reopen).</summary>
        private bool SpecStillFits()
        {
            var latest = _grain._spec;
            if (ReferenceEquals(latest, _spec))
            {
                return true;
            }

            if (latest.Url != _spec.Url || latest.Enabled != _spec.Enabled)
            {
                CameraLog.Updated(_grain._logger, _grain.Id, latest.Enabled != _spec.Enabled ? (latest.Enabled ? "enabled" : "disabled") : "new source");
                return false;
            }

            if (!latest.Fps.Equals(_spec.Fps))
            {
                _sampler.SetFps(latest.Fps);
                CameraLog.FpsChanged(_grain._logger, _grain.Id, latest.Fps);
            }

            _spec = latest;
            return true;
        }

        /// <summary>Waits <paramref name="duration"/> by the grain's clock; false when stopped or the spec changed first.</summary>
        private bool Sleep(TimeSpan duration)
        {
            var time = _grain._time;
            var start = time.GetTimestamp();
            var slice = TimeSpan.FromMilliseconds(50);
            while (true)
            {
                if (!_grain.IsCurrent(_generation) || !ReferenceEquals(_spec, _grain._spec))
                {
                    return false;
                }

                var left = duration - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    return true;
                }

                // Short slices keep a fake clock (tests) and missed wake-ups harmless.
                if (_grain._wake.Wait(left < slice ? left : slice))
                {
                    _grain._wake.Reset();
                }
            }
        }

        private void WaitForSpecChange()
        {
            var current = _spec;
            while (_grain.IsCurrent(_generation) && ReferenceEquals(current, _grain._spec))
            {
                if (_grain._wake.Wait(TimeSpan.FromMilliseconds(200)))
                {
                    _grain._wake.Reset();
                }
            }
        }
    }

    private enum Outcome
    {
        Stop,
        EndOfFile,
        Failed,

        // Not tried: the probe refused the address the host resolves to.
        Refused,
    }
}
