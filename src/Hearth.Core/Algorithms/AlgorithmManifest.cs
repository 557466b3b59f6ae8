using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Algorithms;

/// <summary>
/// An algorithm's manifest, <c>hearth.json</c>: the entry command, the per-instance reservation (plain counts
/// only), an optional build command, and optional requirements on the hosts its instances run on (e.g.
/// <c>"gpu" in host.groups</c>). Commands are argv arrays run in the build's directory.
/// </summary>
public sealed record AlgorithmManifest(IReadOnlyList<string> Entrypoint, ResourceRequest Resources, IReadOnlyList<string>? Build, Requirement? Requirements = null)
{
    public const string FileName = "hearth.json";

    private static readonly string[] Fields = ["entrypoint", "reservations", "build", "requirements"];

    /// <summary>Parses a manifest; every error names the field and says what is expected.</summary>
    public static AlgorithmManifest Parse(string json) => Parse(json, null);

    /// <summary>
    /// Parses a manifest whose missing fields take <paramref name="defaults"/>' values: a layout that implies its own
    /// entry command and reservation (Algorithmia's) lets a <c>hearth.json</c> beside it override only what it names.
    /// </summary>
    public static AlgorithmManifest Parse(string json, AlgorithmManifest? defaults)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new AlgorithmFormatException($"{FileName} is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject obj)
        {
            throw new AlgorithmFormatException($"{FileName} must hold a JSON object, e.g. {{\"entrypoint\": [\"python3\", \"main.py\"], \"reservations\": \"host.processors=1,host.memory=512\"}}");
        }

        foreach (var (key, _) in obj)
        {
            if (!Fields.Contains(key, StringComparer.Ordinal))
            {
                throw new AlgorithmFormatException($"{FileName}: unknown field \"{key}\"; the manifest takes entrypoint, reservations, build and requirements");
            }
        }

        var entrypoint = Argv(obj, "entrypoint") ?? defaults?.Entrypoint ?? throw new AlgorithmFormatException(
            $"{FileName}: \"entrypoint\" is missing; give the command as an argv array, e.g. [\"python3\", \"main.py\"]");
        var build = Argv(obj, "build") ?? defaults?.Build;
        var requirements = ReadRequirements(obj) ?? defaults?.Requirements;
        if (defaults is not null && !obj.ContainsKey("reservations"))
        {
            return new AlgorithmManifest(entrypoint, defaults.Resources, build, requirements);
        }

        if (obj["reservations"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw new AlgorithmFormatException(obj.ContainsKey("reservations")
                ? $"{FileName}: \"reservations\" must be a string such as \"host.processors=1,host.memory=512\""
                : $"{FileName}: \"reservations\" is missing; give the per-instance reservation, e.g. \"host.processors=1,host.memory=512\"");
        }

        ResourceRequest spec;
        try
        {
            spec = ResourceRequest.Parse(Text(value));
            spec.RequireExactOnly();
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new AlgorithmFormatException($"{FileName}: \"reservations\": {e.Message}");
        }

        return new AlgorithmManifest(entrypoint, spec, build, requirements);
    }

    private static Requirement? ReadRequirements(JsonObject obj)
    {
        if (!obj.TryGetPropertyValue("requirements", out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw new AlgorithmFormatException($"{FileName}: \"requirements\" must be a string such as \"host.os == 'linux'\"");
        }

        try
        {
            return Requirement.ParseOrNone(Text(value));
        }
        catch (RequirementSyntaxException e)
        {
            throw new AlgorithmFormatException($"{FileName}: \"requirements\": {e.Message}");
        }
    }

    /// <summary>The manifest as compact JSON, in the form <see cref="Parse"/> reads.</summary>
    public string ToJson()
    {
        var obj = new JsonObject
        {
            ["entrypoint"] = new JsonArray([.. Entrypoint.Select(a => (JsonNode)a)]),
            ["reservations"] = Resources.Text,
        };
        if (Build is not null)
        {
            obj["build"] = new JsonArray([.. Build.Select(a => (JsonNode)a)]);
        }

        if (Requirements is not null)
        {
            obj["requirements"] = Requirements.Text;
        }

        return obj.ToJsonString();
    }

    private static string[]? Argv(JsonObject obj, string field)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        string Fail(string why) => $"{FileName}: \"{field}\" {why}";
        if (node is not JsonArray array)
        {
            throw new AlgorithmFormatException(Fail("must be an argv array of strings, e.g. [\"python3\", \"main.py\"]"));
        }

        if (array.Count == 0)
        {
            throw new AlgorithmFormatException(Fail("is empty; it needs at least the program to run"));
        }

        var argv = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String)
            {
                throw new AlgorithmFormatException(Fail($"item {i + 1} is not a string"));
            }

            argv[i] = Text(item);
            Hearth.Core.Text.ClientText.Require(argv[i], Fail($"item {i + 1}"), why => new AlgorithmFormatException(why), multiline: true);
        }

        if (argv[0].Length == 0)
        {
            throw new AlgorithmFormatException(Fail("names an empty program"));
        }

        return argv;
    }

    /// <summary>A string value; a <c>\ud800</c> escape with no partner is no text, and is refused as such.</summary>
    private static string Text(JsonValue value)
    {
        try
        {
            return value.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            throw new AlgorithmFormatException($"{FileName} holds a lone UTF-16 surrogate escape, which is not text");
        }
    }

    public bool Equals(AlgorithmManifest? other) => other is not null && ToJson() == other.ToJson();

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToJson());
}
