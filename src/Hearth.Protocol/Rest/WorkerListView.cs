namespace Hearth.Protocol.Rest;

public sealed record WorkerListView(IReadOnlyList<WorkerView> Workers);
