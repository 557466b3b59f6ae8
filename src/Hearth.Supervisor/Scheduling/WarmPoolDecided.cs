using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The warm-pool policy's decisions; the loop has withdrawn the withdrawn instances' work, and the pool applies the rest.</summary>
public sealed record WarmPoolDecided(WarmPoolPlan Plan) : InstanceEffect;
