namespace VideoAnalytics.Inference.Tracking;

/// <summary>
/// Constant-velocity Kalman filter over a box, in the state SORT/DeepSORT/ByteTrack use: centre x, centre y, aspect
/// ratio w/h, height, and the four velocities (per frame). The measurement is the first four. Noise scales with the
/// box height, with the weights of those trackers (position 1/20, velocity 1/160; aspect noise fixed at 1e-2 in the
/// process, 1e-1 in the measurement; the initial covariance doubles the position and multiplies the velocity weights
/// by ten), so a large box may move more in pixels than a small one.
/// </summary>
/// <remarks>
/// Works in place on a state of 8 doubles and a row-major 8×8 covariance that the caller keeps (the tracker's
/// preallocated arrays): nothing here allocates. Scratch matrices live on the stack.
/// </remarks>
public static class BoxKalmanFilter
{
    public const int StateSize = 8;
    public const int CovarianceSize = StateSize * StateSize;
    private const int MeasurementSize = 4;
    private const double PositionWeight = 1.0 / 20;
    private const double VelocityWeight = 1.0 / 160;

    /// <summary>Starts a state at the measured box with zero velocity.</summary>
    public static void Initiate(double cx, double cy, double aspect, double height, Span<double> mean, Span<double> covariance)
    {
        mean[0] = cx;
        mean[1] = cy;
        mean[2] = aspect;
        mean[3] = height;
        mean[4..StateSize].Clear();
        covariance[..CovarianceSize].Clear();
        Span<double> std =
        [
            2 * PositionWeight * height, 2 * PositionWeight * height, 1e-2, 2 * PositionWeight * height,
            10 * VelocityWeight * height, 10 * VelocityWeight * height, 1e-5, 10 * VelocityWeight * height,
        ];
        for (var i = 0; i < StateSize; i++)
        {
            covariance[(i * StateSize) + i] = std[i] * std[i];
        }
    }

    /// <summary>Advances one frame: x ← F·x, P ← F·P·Fᵀ + Q, with F adding each velocity to its quantity.</summary>
    public static void Predict(Span<double> mean, Span<double> covariance)
    {
        var height = mean[3];
        for (var i = 0; i < MeasurementSize; i++)
        {
            mean[i] += mean[i + MeasurementSize];
        }

        // F·P: row i (i < 4) gains row i+4.
        for (var i = 0; i < MeasurementSize; i++)
        {
            for (var j = 0; j < StateSize; j++)
            {
                covariance[(i * StateSize) + j] += covariance[((i + MeasurementSize) * StateSize) + j];
            }
        }

        // (F·P)·Fᵀ: column j (j < 4) gains column j+4.
        for (var i = 0; i < StateSize; i++)
        {
            for (var j = 0; j < MeasurementSize; j++)
            {
                covariance[(i * StateSize) + j] += covariance[(i * StateSize) + j + MeasurementSize];
            }
        }

        Span<double> std =
        [
            PositionWeight * height, PositionWeight * height, 1e-2, PositionWeight * height,
            VelocityWeight * height, VelocityWeight * height, 1e-5, VelocityWeight * height,
        ];
        for (var i = 0; i < StateSize; i++)
        {
            covariance[(i * StateSize) + i] += std[i] * std[i];
        }
    }

    /// <summary>Corrects the state with a measured box: K = P·Hᵀ·S⁻¹, x ← x + K·(z − H·x), P ← P − K·S·Kᵀ.</summary>
    public static void Update(Span<double> mean, Span<double> covariance, double cx, double cy, double aspect, double height)
    {
        var h = mean[3];
        Span<double> r = [PositionWeight * h, PositionWeight * h, 1e-1, PositionWeight * h];

        // S = H·P·Hᵀ + R: the top-left 4×4 block plus the measurement noise.
        Span<double> s = stackalloc double[MeasurementSize * MeasurementSize];
        for (var i = 0; i < MeasurementSize; i++)
        {
            for (var j = 0; j < MeasurementSize; j++)
            {
                s[(i * MeasurementSize) + j] = covariance[(i * StateSize) + j];
            }

            s[(i * MeasurementSize) + i] += r[i] * r[i];
        }

        // Cholesky S = L·Lᵀ (S is symmetric positive definite: R alone makes it so).
        Span<double> l = stackalloc double[MeasurementSize * MeasurementSize];
        l.Clear();
        for (var i = 0; i < MeasurementSize; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = s[(i * MeasurementSize) + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= l[(i * MeasurementSize) + k] * l[(j * MeasurementSize) + k];
                }

                l[(i * MeasurementSize) + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[(j * MeasurementSize) + j];
            }
        }

        // Kᵀ = S⁻¹·(P·Hᵀ)ᵀ = S⁻¹·(H·P): solve for each of the 8 columns of H·P (the top 4 rows of P).
        Span<double> kt = stackalloc double[MeasurementSize * StateSize];
        Span<double> y = stackalloc double[MeasurementSize];
        for (var c = 0; c < StateSize; c++)
        {
            for (var i = 0; i < MeasurementSize; i++)
            {
                var sum = covariance[(i * StateSize) + c];
                for (var k = 0; k < i; k++)
                {
                    sum -= l[(i * MeasurementSize) + k] * y[k];
                }

                y[i] = sum / l[(i * MeasurementSize) + i];
            }

            for (var i = MeasurementSize - 1; i >= 0; i--)
            {
                var sum = y[i];
                for (var k = i + 1; k < MeasurementSize; k++)
                {
                    sum -= l[(k * MeasurementSize) + i] * kt[(k * StateSize) + c];
                }

                kt[(i * StateSize) + c] = sum / l[(i * MeasurementSize) + i];
            }
        }

        Span<double> innovation = [cx - mean[0], cy - mean[1], aspect - mean[2], height - mean[3]];
        for (var c = 0; c < StateSize; c++)
        {
            var sum = 0.0;
            for (var i = 0; i < MeasurementSize; i++)
            {
                sum += kt[(i * StateSize) + c] * innovation[i];
            }

            mean[c] += sum;
        }

        // P ← P − K·S·Kᵀ = P − K·(H·P), as K·S = P·Hᵀ.
        Span<double> hp = stackalloc double[MeasurementSize * StateSize];
        for (var i = 0; i < MeasurementSize; i++)
        {
            for (var c = 0; c < StateSize; c++)
            {
                hp[(i * StateSize) + c] = covariance[(i * StateSize) + c];
            }
        }

        for (var a = 0; a < StateSize; a++)
        {
            for (var b = 0; b < StateSize; b++)
            {
                var sum = 0.0;
                for (var i = 0; i < MeasurementSize; i++)
                {
                    sum += kt[(i * StateSize) + a] * hp[(i * StateSize) + b];
                }

                covariance[(a * StateSize) + b] -= sum;
            }
        }
    }
}
