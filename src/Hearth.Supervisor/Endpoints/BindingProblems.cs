using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// Plain words for a request that does not bind: the JSON path and the type it expects
/// (<c>$.command: expected an array of strings</c>), the query parameter and its value, or the content
/// type to send. The serializer's and the binder's own messages name .NET types.
/// </summary>
internal static partial class BindingProblems
{
    public const string JsonContentType = "application/json";

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) => TypedResults.Problem(
        UnsupportedMediaTypeDetail(contentType),
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type");

    public static string UnsupportedMediaTypeDetail(string? contentType) => string.IsNullOrEmpty(contentType)
        ? $"the body must be JSON: send it with Content-Type: {JsonContentType}"
        : $"the body must be JSON: send it with Content-Type: {JsonContentType}, not {contentType}";

    /// <summary>What is wrong with a JSON body that did not deserialize to <paramref name="target"/>.</summary>
    public static string Describe(JsonException error, Type? target, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(error);
        var path = error.Path is { Length: > 0 } p ? p : "$";
        if (error is ClientTextException)
        {
            return $"{path} {error.Message}";
        }

        if (error.Message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var expected = target is null ? null : TypeAt(options, target, path);
            return expected is null ? $"{path}: has the wrong type" : $"{path}: expected {Words(options, expected)}";
        }

        if (UnmappedProperty().Match(error.Message) is { Success: true } unmapped)
        {
            return Unknown(unmapped.Groups["name"].Value, path, target, options);
        }

        if (MissingRequired().Match(error.Message) is { Success: true } missing)
        {
            return $"the body is missing required fields: {missing.Groups["fields"].Value.Replace("'", "", StringComparison.Ordinal)}";
        }

        if (error.Message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the body is empty: it must be a JSON object";
        }

        var reason = error.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        var where = error.LineNumber is { } line && error.BytePositionInLine is { } column
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {column + 1})")
            : "";
        return $"the body is not valid JSON at {path}{where}: {reason}";
    }

    /// <summary>
    /// A query or route value that did not bind, from the binder's message
    /// (<c>Failed to bind parameter "double? timeout" from "abc".</c>); null if the message is another kind.
    /// </summary>
    public static string? DescribeParameter(string message)
    {
        if (UnboundParameter().Match(message) is { Success: true } unbound)
        {
            return $"query parameter {unbound.Groups["name"].Value}: \"{unbound.Groups["value"].Value}\" is not {KeywordWords(unbound.Groups["type"].Value)}";
        }

        return MissingParameter().Match(message) is { Success: true } missing
            ? $"query parameter {missing.Groups["name"].Value} is required"
            : null;
    }

    /// <summary>The field that is not part of the body, where it is, and the fields that are.</summary>
    private static string Unknown(string name, string path, Type? target, JsonSerializerOptions options)
    {
        // The path may or may not end at the unknown field itself; what matters is the object that holds it.
        var holder = path.EndsWith($".{name}", StringComparison.Ordinal) ? path[..^(name.Length + 1)]
            : path.EndsWith($"['{name}']", StringComparison.Ordinal) ? path[..^(name.Length + 4)]
            : path;
        var where = holder is "$" or "" ? "" : $" in {holder}";
        var type = target is null ? null : TypeAt(options, target, holder);
        var known = type is null ? null : options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type) is { Kind: JsonTypeInfoKind.Object } info
            ? string.Join(", ", info.Properties.Select(p => p.Name))
            : null;
        return string.IsNullOrEmpty(known) ? $"unknown field '{name}'{where}" : $"unknown field '{name}'{where}; the fields are {known}";
    }

    private static Type? TypeAt(JsonSerializerOptions options, Type root, string path)
    {
        var type = root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            type = segment.Groups["index"].Success || info.Kind == JsonTypeInfoKind.Dictionary
                ? info.ElementType
                : info.Properties.FirstOrDefault(p => p.Name == (segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value))?.PropertyType;
            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private static string Words(JsonSerializerOptions options, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalar(type) is { } scalar)
        {
            return scalar.Singular;
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable when info.ElementType is { } element => $"an array of {Plural(options, element)}",
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a valid value",
        };
    }

    private static string Plural(JsonSerializerOptions options, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return Scalar(type) is { } scalar ? scalar.Plural
            : options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Enumerable ? "arrays"
            : "objects";
    }

    private static (string Singular, string Plural)? Scalar(Type type) => type switch
    {
        _ when type == typeof(string) => ("a string", "strings"),
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) => ("an integer", "integers"),
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => ("a number", "numbers"),
        _ when type == typeof(bool) => ("true or false", "true or false values"),
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => ("an ISO 8601 date and time string", "ISO 8601 date and time strings"),
        _ when type == typeof(Guid) => ("a UUID string", "UUID strings"),
        _ => null,
    };

    private static string KeywordWords(string keyword) => NullableOf().Replace(keyword, "$1").TrimEnd('?') switch
    {
        "int" or "long" or "short" or "uint" or "ulong" or "Int32" or "Int64" or "Int16" => "an integer",
        "double" or "float" or "decimal" or "Double" or "Single" or "Decimal" => "a number",
        "bool" or "Boolean" => "true or false",
        "DateTimeOffset" or "DateTime" => "an ISO 8601 date and time",
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Nullable<(.*)>$")]
    private static partial Regex NullableOf();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"^The JSON property '(?<name>.*)' could not be mapped to any \.NET member", RegexOptions.Singleline)]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex(@"missing required properties including: (?<fields>.*?)\.?\s*(?:Path:|$)")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>\S+) (?<name>[^""]+)"" from ""(?<value>.*)""\.$", RegexOptions.Singleline)]
    private static partial Regex UnboundParameter();

    [GeneratedRegex(@"^Required parameter ""(?:\S+ )?(?<name>[^""]+)"" was not provided from query string\.$")]
    private static partial Regex MissingParameter();
}
