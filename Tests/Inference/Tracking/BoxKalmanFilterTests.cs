using VideoAnalytics.Inference.Tracking;

namespace VideoAnalytics.Tests.Inference.Tracking;

public sealed class BoxKalmanFilterTests
{
    [Fact]
    public void Learns_a_constant_velocity_and_predicts_the_next_box()
    {
        // A 40×20 box moving (+6, −3) px a frame and growing 0.5 px in height: after a dozen measurements the prediction
        // lands within a pixel of the truth, and the velocities are what the box does.
        var mean = new double[BoxKalmanFilter.StateSize];
        var covariance = new double[BoxKalmanFilter.CovarianceSize];
        BoxKalmanFilter.Initiate(100, 200, 2, 20, mean, covariance);
        for (var f = 1; f <= 12; f++)
        {
            BoxKalmanFilter.Predict(mean, covariance);
            var h = 20 + (0.5 * f);
            BoxKalmanFilter.Update(mean, covariance, 100 + (6 * f), 200 - (3 * f), 2, h);
        }

        BoxKalmanFilter.Predict(mean, covariance);
        Assert.Equal(100 + (6 * 13), mean[0], 1.0);
        Assert.Equal(200 - (3 * 13), mean[1], 1.0);
        Assert.Equal(20 + (0.5 * 13), mean[3], 0.5);
        Assert.Equal(6, mean[4], 0.5);
        Assert.Equal(-3, mean[5], 0.5);
        Assert.Equal(2, mean[2], 0.01);

        // The covariance stays symmetric and positive on its diagonal.
        for (var i = 0; i < BoxKalmanFilter.StateSize; i++)
        {
            Assert.True(covariance[(i * BoxKalmanFilter.StateSize) + i] > 0);
            for (var j = 0; j < BoxKalmanFilter.StateSize; j++)
            {
                Assert.Equal(covariance[(i * BoxKalmanFilter.StateSize) + j], covariance[(j * BoxKalmanFilter.StateSize) + i], 9);
            }
        }
    }
}
