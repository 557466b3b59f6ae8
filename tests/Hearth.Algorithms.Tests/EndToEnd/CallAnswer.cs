using System.Text.Json;

namespace Hearth.Algorithms.Tests.EndToEnd;

/// <summary>A call's answer: its status and its JSON body.</summary>
internal sealed record CallAnswer(int Status, JsonElement Body)
{
    public JsonElement Result => Body.GetProperty("result");

    public JsonElement Metadata => Body.GetProperty("metadata");

    public bool ColdStart => Metadata.GetProperty("cold_start").GetBoolean();

    public string Error => Body.GetProperty("error").GetProperty("message").GetString()!;
}
