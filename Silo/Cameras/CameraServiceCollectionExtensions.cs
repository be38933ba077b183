using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Silo.Cameras;

public static class CameraServiceCollectionExtensions
{
    /// <summary>Binds <see cref="CameraOptions"/> from the <c>Cameras</c> section and validates it at start: a bad
    /// value stops the host with a message naming the key.</summary>
    public static IServiceCollection AddCameraOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CameraOptions>().Bind(configuration.GetSection(CameraOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CameraOptions>, CameraOptionsValidator>();
        return services;
    }
}
