using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hearth.Protocol.Rest;

/// <summary>The REST API's JSON conventions, shared by the supervisor and its clients: snake_case, nulls kept.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the conventions to options an ASP.NET Core host already owns.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
