using CsCheck;

namespace Hearth.Core.Tests;

/// <summary>One operation on a cluster, as generated for property tests.</summary>
internal abstract record ClusterOp;

internal sealed record AddHostOp(int Processors, int Memory, int Gpu) : ClusterOp;

internal sealed record DefineGlobalOp(string Name, int Total) : ClusterOp;

/// <summary>Submit work; a null spec is a job with no reservation string.</summary>
internal sealed record SubmitOp(string? Spec, int Priority) : ClusterOp;

/// <summary>One placement cycle: decide, then apply.</summary>
internal sealed record CycleOp : ClusterOp;

/// <summary>Finish the <c>Pick</c>-th ID ever submitted (modulo), whatever state it is in.</summary>
internal sealed record FinishOp(int Pick) : ClusterOp;

/// <summary>Finish the <c>Pick</c>-th running work (modulo), in ID order.</summary>
internal sealed record FinishRunningOp(int Pick) : ClusterOp;

internal sealed record WithdrawOp(int Pick) : ClusterOp;

internal sealed record HostDownOp(int Pick, bool Requeue) : ClusterOp;

internal sealed record HostUpOp(int Pick) : ClusterOp;

/// <summary>A starting cluster and the operations run on it.</summary>
internal sealed record ClusterProgram(IReadOnlyList<AddHostOp> Hosts, int Maya, IReadOnlyList<ClusterOp> Ops)
{
    public override string ToString() =>
        $"hosts [{string.Join(", ", Hosts)}], maya {Maya}, ops:\n  {string.Join("\n  ", Ops)}";
}

/// <summary>Generators of reservation strings in every form and of whole cluster programs.</summary>
internal static class ClusterGen
{
    // Ranges are drawn most, with room above their minimum, so that growth is common.
    private static readonly Gen<string?> Processors = Gen.Select(Gen.Int[0, 9], Gen.Int[1, 4], Gen.Int[0, 8])
        .Select((form, n, extra) => form switch
        {
            0 or 1 => null,
            2 or 3 => $"host.processors={n}",
            4 => $"host.processors={n}+",
            5 => $"host.processors={n}*",
            6 => "host.processors=all",
            _ => $"host.processors={n}-{n + extra}",
        });

    private static readonly Gen<string?> Memory = Gen.Select(Gen.Int[0, 5], Gen.Int[1, 1500], Gen.Int[0, 3000])
        .Select((form, n, extra) => form switch
        {
            0 or 1 => null,
            2 => $"host.memory={n}",
            3 => $"host.memory={n}+",
            4 => "host.memory=all",
            _ => $"host.memory={n}-{n + extra}",
        });

    private static readonly Gen<string?> Gpu = Gen.Int[0, 5].Select(form => form switch
    {
        1 => "host.gpu=1",
        2 => "host.gpu=1-2",
        3 => "host.gpu=1+",
        _ => null,
    });

    private static readonly Gen<string?> Globals = Gen.Int[0, 7].Select(form => form switch
    {
        1 or 2 => "global.maya=1",
        3 => "global.maya=2",
        4 => "global.nuke=1",
        _ => null,
    });

    /// <summary>A reservation string drawn from every form, or null (no reservation string).</summary>
    public static readonly Gen<string?> Spec = Gen.Select(Processors, Memory, Gpu, Globals, Gen.Bool)
        .Select((p, m, g, global, memoryFirst) =>
        {
            string?[] items = memoryFirst ? [m, p, g, global] : [p, m, g, global];
            var present = items.Where(i => i is not null).ToList();
            return present.Count == 0 ? null : string.Join(",", present);
        });

    public static readonly Gen<AddHostOp> Host = Gen.Select(
            Gen.Frequency((1, Gen.Const(0)), (8, Gen.Int[1, 8]), (1, Gen.Int[60, 70])), Gen.Int[0, 4000], Gen.Int[0, 2])
        .Select((p, m, g) => new AddHostOp(p, m, g));

    private static readonly Gen<ClusterOp> Op = Gen.Frequency(
        (1, Host.Select(h => (ClusterOp)h)),
        (1, Gen.Select(Gen.Bool, Gen.Int[0, 3]).Select((maya, total) => (ClusterOp)new DefineGlobalOp(maya ? "maya" : "nuke", total))),
        (8, Gen.Select(Spec, Gen.OneOf(1, 5, 5, 9999)).Select((spec, priority) => (ClusterOp)new SubmitOp(spec, priority))),
        (6, Gen.Const((ClusterOp)new CycleOp())),
        (2, Gen.Int[0, 1000].Select(pick => (ClusterOp)new FinishOp(pick))),
        (5, Gen.Int[0, 1000].Select(pick => (ClusterOp)new FinishRunningOp(pick))),
        (1, Gen.Int[0, 1000].Select(pick => (ClusterOp)new WithdrawOp(pick))),
        (1, Gen.Select(Gen.Int[0, 1000], Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))))
            .Select((pick, requeue) => (ClusterOp)new HostDownOp(pick, requeue))),
        (3, Gen.Int[0, 1000].Select(pick => (ClusterOp)new HostUpOp(pick))));

    /// <summary>
    /// Programs where growth is the common case: one or two hosts that stay up (a lost host comes straight
    /// back), fixed-size work that mostly queues behind ranges (so freed units often go to growth), and
    /// frequent finishes of running work.
    /// </summary>
    public static readonly Gen<ClusterProgram> GrowthProgram = Gen.Select(
            Gen.Select(Gen.Int[4, 16], Gen.Int[0, 2000]).Select((p, m) => new AddHostOp(p, m, 0)).Array[1, 2],
            Gen.Frequency(
                (4, Gen.Select(Gen.Int[1, 3], Gen.OneOf(5, 9999)).Select((n, priority) => Ops(new SubmitOp($"host.processors={n}", priority)))),
                (3, Gen.Select(Gen.Int[1, 3], Gen.Int[0, 12], Gen.OneOf(1, 5, 5))
                    .Select((n, extra, priority) => Ops(new SubmitOp($"host.processors={n}-{n + extra}", priority)))),
                (1, Gen.Select(Gen.Int[1, 3], Gen.Int[0, 10], Gen.OneOf(1, 5, 9999))
                    .Select((n, extra, priority) => Ops(new SubmitOp($"host.processors=1,host.memory={n * 100}-{(n + extra) * 100}", priority)))),
                (5, Gen.Const(Ops(new CycleOp()))),
                (4, Gen.Int[0, 1000].Select(pick => Ops(new FinishRunningOp(pick)))),
                (1, Gen.Int[0, 1000].Select(pick => Ops(new HostDownOp(pick, true), new HostUpOp(pick))))).Array[0, 60])
        .Select((hosts, chunks) => new ClusterProgram(hosts, 0, [.. chunks.SelectMany(c => c)]));

    private static ClusterOp[] Ops(params ClusterOp[] ops) => ops;

    public static readonly Gen<ClusterProgram> Program = Gen.Select(Host.Array[1, 2], Gen.Int[0, 3], Op.Array[0, 120])
        .Select((hosts, maya, ops) => new ClusterProgram(hosts, maya, ops));
}
