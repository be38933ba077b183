namespace VideoAnalytics.Inference.Tracking;

/// <summary>
/// Minimum-cost one-to-one assignment of the rows of a cost matrix to its columns (the Hungarian method in its
/// shortest-augmenting-path form with row and column potentials, O(n²·m) for n ≤ m). Used by the tracker to pair
/// tracks with detections and by the tracking evaluator to pair ground-truth trajectories with tracks (IDF1).
/// </summary>
/// <remarks>
/// Written here rather than taken from a library: the feed serves no assignment solver, and the tracker calls this
/// every frame, so its scratch is kept and reused: once the largest matrix has been seen, <see cref="Solve"/>
/// allocates nothing. Entries of <see cref="Forbidden"/> or more are pairs that must not be made: the solver still
/// sees them as very expensive, so it makes as many allowed pairs as it can and then the cheapest such set, and
/// reports rows that could only be paired through a forbidden entry as unassigned (-1). Not thread-safe: one
/// instance per caller.
/// </remarks>
public sealed class LinearAssignment
{
    /// <summary>A cost at or above this forbids the pair.</summary>
    public const double Forbidden = 1e9;

    private double[] _u = [];
    private double[] _v = [];
    private double[] _minv = [];
    private int[] _p = [];
    private int[] _way = [];
    private bool[] _used = [];

    /// <summary>
    /// Assigns rows to columns. <paramref name="cost"/> is row-major, <paramref name="rows"/>×<paramref name="cols"/>;
    /// <paramref name="rowToColumn"/> (at least <paramref name="rows"/> long) receives each row's column or -1.
    /// </summary>
    /// <returns>The number of rows assigned.</returns>
    public int Solve(ReadOnlySpan<double> cost, int rows, int cols, Span<int> rowToColumn)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentOutOfRangeException.ThrowIfLessThan(cost.Length, rows * cols, nameof(cost));
        ArgumentOutOfRangeException.ThrowIfLessThan(rowToColumn.Length, rows, nameof(rowToColumn));
        rowToColumn[..rows].Fill(-1);
        if (rows == 0 || cols == 0)
        {
            return 0;
        }

        // The method needs no more rows than columns: solve the transposed problem when there are more rows.
        var transposed = rows > cols;
        var n = transposed ? cols : rows;
        var m = transposed ? rows : cols;
        Reserve(n, m);
        var u = _u.AsSpan(0, n + 1);
        var v = _v.AsSpan(0, m + 1);
        var p = _p.AsSpan(0, m + 1);
        var way = _way.AsSpan(0, m + 1);
        var minv = _minv.AsSpan(0, m + 1);
        var used = _used.AsSpan(0, m + 1);
        u.Clear();
        v.Clear();
        p.Clear();
        way.Clear();

        // Index 0 is the virtual column of the method; rows and columns are 1-based in here.
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            minv.Fill(double.PositiveInfinity);
            used.Clear();
            do
            {
                used[j0] = true;
                var i0 = p[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    var c = transposed ? cost[((j - 1) * cols) + (i0 - 1)] : cost[((i0 - 1) * cols) + (j - 1)];
                    var reduced = c - u[i0] - v[j];
                    if (reduced < minv[j])
                    {
                        minv[j] = reduced;
                        way[j] = j0;
                    }

                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }

                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (p[j0] != 0);

            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var assigned = 0;
        for (var j = 1; j <= m; j++)
        {
            if (p[j] == 0)
            {
                continue;
            }

            var row = transposed ? j - 1 : p[j] - 1;
            var col = transposed ? p[j] - 1 : j - 1;
            if (cost[(row * cols) + col] >= Forbidden)
            {
                continue;
            }

            rowToColumn[row] = col;
            assigned++;
        }

        return assigned;
    }

    private void Reserve(int n, int m)
    {
        if (_u.Length < n + 1)
        {
            _u = new double[n + 1];
        }

        if (_v.Length < m + 1)
        {
            _v = new double[m + 1];
            _minv = new double[m + 1];
            _p = new int[m + 1];
            _way = new int[m + 1];
            _used = new bool[m + 1];
        }
    }
}
