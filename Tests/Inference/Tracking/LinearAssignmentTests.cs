using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Tests.Inference.Tracking;

/// <summary>The assignment solver against brute force on random matrices, square and rectangular, with forbidden pairs.</summary>
public sealed class LinearAssignmentTests
{
    [Fact]
    public void Finds_the_brute_force_optimum_on_random_matrices()
    {
        var random = new Random(1234);
        var solver = new LinearAssignment();
        for (var trial = 0; trial < 400; trial++)
        {
            var rows = random.Next(1, 6);
            var cols = random.Next(1, 6);
            var cost = new double[rows * cols];
            for (var i = 0; i < cost.Length; i++)
            {
                cost[i] = random.NextDouble() < 0.25 ? LinearAssignment.Forbidden : Math.Round(random.NextDouble() * 10, 2);
            }

            var assignment = new int[rows];
            var assigned = solver.Solve(cost, rows, cols, assignment);

            // Valid: one-to-one, no forbidden pair.
            var used = new HashSet<int>();
            var total = 0.0;
            for (var r = 0; r < rows; r++)
            {
                if (assignment[r] < 0)
                {
                    continue;
                }

                Assert.True(used.Add(assignment[r]));
                Assert.True(cost[(r * cols) + assignment[r]] < LinearAssignment.Forbidden);
                total += cost[(r * cols) + assignment[r]];
            }

            Assert.Equal(used.Count, assigned);
            var (bestCount, bestCost) = BruteForce(cost, rows, cols, 0, new bool[cols]);
            Assert.Equal(bestCount, assigned);
            Assert.Equal(bestCost, total, 9);
        }
    }

    [Fact]
    public void Empty_matrices_assign_nothing()
    {
        var assignment = new[] { 5, 5 };
        Assert.Equal(0, new LinearAssignment().Solve([], 2, 0, assignment));
        Assert.Equal([-1, -1], assignment);
    }

    /// <summary>Most allowed pairs, then least cost among those: every partial assignment of rows from <paramref name="row"/> on.</summary>
    private static (int Count, double Cost) BruteForce(double[] cost, int rows, int cols, int row, bool[] used)
    {
        if (row == rows)
        {
            return (0, 0);
        }

        var best = BruteForce(cost, rows, cols, row + 1, used); // this row unassigned
        for (var c = 0; c < cols; c++)
        {
            var value = cost[(row * cols) + c];
            if (used[c] || value >= LinearAssignment.Forbidden)
            {
                continue;
            }

            used[c] = true;
            var rest = BruteForce(cost, rows, cols, row + 1, used);
            used[c] = false;
            var candidate = (rest.Count + 1, rest.Cost + value);
            if (candidate.Item1 > best.Count || (candidate.Item1 == best.Count && candidate.Item2 < best.Cost - 1e-12))
            {
                best = candidate;
            }
        }

        return best;
    }
}
