using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A refusal carried out of a service to its endpoint, which maps it onto a status.</summary>
internal sealed class RefusedException(Refusal refusal) : Exception(refusal.Message)
{
    public Refusal Refusal { get; } = refusal;
}
