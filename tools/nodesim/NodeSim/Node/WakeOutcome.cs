namespace NodeSim.Node;

/// <summary>How a wake ended: the node sleeps until <see cref="WakeAtUnixMillis"/>.</summary>
public readonly record struct WakeOutcome(long WakeAtUnixMillis, bool DeepSleep, int Connections, int MessagesAcked);
