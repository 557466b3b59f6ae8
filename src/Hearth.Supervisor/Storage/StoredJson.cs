using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Hearth.Supervisor.Storage;

/// <summary>How list and map columns are written as text: JSON, the same for every backend.</summary>
public static class StoredJson
{
    /// <summary>An object with the keys in ordinal order, e.g. <c>{"host.memory":512,"host.processors":2}</c>. Written for every subjob change, so without the serializer.</summary>
    public static string Write(IReadOnlyDictionary<string, int> amounts)
    {
        var keys = new string[amounts.Count];
        var i = 0;
        foreach (var key in amounts.Keys)
        {
            keys[i++] = key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var key in keys)
            {
                writer.WriteNumber(key, amounts[key]);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// An argv as a JSON array. Each argument is checked first: the serializer would write a lone surrogate as a
    /// replacement character, changing the command without a word.
    /// </summary>
    public static string Write(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        for (var i = 0; i < argv.Count; i++)
        {
            StoredText.Check(argv[i], string.Create(System.Globalization.CultureInfo.InvariantCulture, $"argument {i}"));
        }

        return JsonSerializer.Serialize(argv);
    }

    public static string Write(IReadOnlyList<JobChangeRecord>? changes) => JsonSerializer.Serialize(changes ?? [], ChangeJson);

    public static IReadOnlyList<JobChangeRecord> ReadChanges(string? text) =>
        string.IsNullOrEmpty(text) ? [] : JsonSerializer.Deserialize<JobChangeRecord[]>(text, ChangeJson) ?? [];

    private static readonly JsonSerializerOptions ChangeJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyDictionary<string, int> ReadAmounts(string text) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(text) ?? [];

    public static IReadOnlyList<string> ReadArgv(string text) => JsonSerializer.Deserialize<string[]>(text) ?? [];

    public static string? Write(JobControlsRecord? controls) => controls is null ? null : JsonSerializer.Serialize(controls);

    public static JobControlsRecord? ReadControls(string? text) => text is null ? null : JsonSerializer.Deserialize<JobControlsRecord>(text);

    public static string? Write(SubjobTriesRecord? tries) => tries is null ? null : JsonSerializer.Serialize(tries);

    public static SubjobTriesRecord? ReadTries(string? text) => text is null ? null : JsonSerializer.Deserialize<SubjobTriesRecord>(text);

    public static string? Write(WorkItemTriesRecord? tries) => tries is null ? null : JsonSerializer.Serialize(tries);

    public static WorkItemTriesRecord? ReadItemTries(string? text) => text is null ? null : JsonSerializer.Deserialize<WorkItemTriesRecord>(text);
}
