using System.Globalization;

namespace VideoAnalytics.Bench.Measurement;

/// <summary>One figure measured several times: the median, the lowest and the highest value.</summary>
public readonly record struct Spread(double Median, double Min, double Max)
{
    public static Spread Of(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }

        var sorted = samples.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    /// <summary>"median (min–max)" with <paramref name="format"/> for each number.</summary>
    public string Show(string format = "F1") =>
        string.Format(CultureInfo.InvariantCulture, "{0} ({1}–{2})", Median.ToString(format, CultureInfo.InvariantCulture), Min.ToString(format, CultureInfo.InvariantCulture), Max.ToString(format, CultureInfo.InvariantCulture));
}
