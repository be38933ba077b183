using System.ComponentModel.DataAnnotations;

namespace VideoAnalytics.Silo.Hosting;

/// <summary>
/// The data-annotation half of the options validators (<c>[Range]</c> and friends), with each failure naming its
/// configuration key (<c>Sinks:PollInterval: …</c>) so that a bad setting is found at once; the validators add the
/// rules that span keys.
/// </summary>
public static class OptionsAnnotations
{
    /// <summary>One message per failed annotation of <paramref name="options"/>, keys under <paramref name="section"/>.</summary>
    public static List<string> Failures(object options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.ConvertAll(r => $"{string.Join(", ", r.MemberNames.Select(m => $"{section}:{m}"))}: {r.ErrorMessage}");
    }
}
