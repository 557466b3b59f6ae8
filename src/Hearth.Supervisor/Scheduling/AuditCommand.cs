using Hearth.Protocol.Rest;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Checks the ledger between two cycles.</summary>
internal sealed record AuditCommand(TaskCompletionSource<LedgerAuditView> Reply) : AnsweredCommand<LedgerAuditView>(Reply)
{
    public override bool Replayable => true;

    protected override LedgerAuditView Execute(SchedulerState state, CycleEffects fx, ILogger log) => state.Audit();
}
