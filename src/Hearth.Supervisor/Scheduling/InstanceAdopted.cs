using Hearth.Core.Algorithms;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker reported a running instance the pool did not know; the loop booked it, and the pool takes it back as idle.</summary>
public sealed record InstanceAdopted(string Worker, InstanceReport Report, InstanceTemplate Template) : InstanceEffect;
