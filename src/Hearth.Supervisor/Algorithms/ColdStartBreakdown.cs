using System.Text.Json;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Where an instance's cold start went, as its worker measured it: fetching and unpacking the build (zero when cached),
/// setting up its sandbox (zero without one), spawning its process, and loading until <c>PIPE_INIT_COMPLETE</c>; the
/// steps add up to at most <see cref="Total"/>. The call that waited for the instance gets it in its metadata.
/// </summary>
internal sealed record ColdStartBreakdown(TimeSpan Fetch, TimeSpan Unpack, TimeSpan Sandbox, TimeSpan Start, TimeSpan Load, TimeSpan Total)
{
    /// <summary>The steps' names, as the reply's metadata and the metrics' <c>step</c> label give them.</summary>
    public IEnumerable<(string Step, TimeSpan Time)> Steps =>
        [("fetch", Fetch), ("unpack", Unpack), ("sandbox", Sandbox), ("start", Start), ("load", Load)];

    /// <summary>Null when the worker sent no steps (one from before they were measured).</summary>
    public static ColdStartBreakdown? From(InstanceReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.Steps is not { } s)
        {
            return null;
        }

        // A worker's figures are taken as measured, but never negative: a reply must not show a step that gave time back.
        static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(double.IsFinite(ms) ? Math.Max(0, ms) : 0);
        return new ColdStartBreakdown(Ms(s.FetchMs), Ms(s.UnpackMs), Ms(s.SandboxMs), Ms(s.StartMs), Ms(s.LoadMs), Ms(s.TotalMs));
    }

    /// <summary><c>{"fetch", "unpack", "sandbox", "start", "load", "total"}</c> in seconds, as <c>duration</c> is.</summary>
    public void WriteTo(Utf8JsonWriter json, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject(name);
        foreach (var (step, time) in Steps)
        {
            json.WriteNumber(step, Math.Round(time.TotalSeconds, 6));
        }

        json.WriteNumber("total"u8, Math.Round(Total.TotalSeconds, 6));
        json.WriteEndObject();
    }
}
