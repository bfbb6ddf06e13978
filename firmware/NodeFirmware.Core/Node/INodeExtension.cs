using System.Collections;

namespace NodeFirmware.Core.Node
{
    /// <summary>
    /// A feature that talks over the node's MQTT session besides telemetry (OTA, for one). It names the
    /// topics it wants, receives their messages, hands back messages to publish, and can keep the
    /// session open while it has work (a download, say).
    /// </summary>
    public interface INodeExtension
    {
        string[] Subscriptions { get; }

        bool Accepts(string topic);

        void OnMessage(string topic, byte[] payload);

        /// <summary>Adds the messages it wants published (<see cref="PendingPublish"/>) to <paramref name="into"/>.</summary>
        void TakeOutbound(ArrayList into);

        /// <summary>True while it still expects messages: the node listens again instead of disconnecting.</summary>
        bool KeepConnected { get; }
    }

    /// <summary>A message an extension or handler wants published, before it is given a token.</summary>
    public class PendingPublish
    {
        public PendingPublish(string topic, byte[] payload, bool retain)
        {
            Topic = topic;
            Payload = payload;
            Retain = retain;
        }

        public string Topic { get; private set; }
        public byte[] Payload { get; private set; }
        public bool Retain { get; private set; }
    }

    /// <summary>Things that happened to the node which an extension may take as evidence of health.</summary>
    public enum NodeHealthSignal
    {
        /// <summary>A sample with sensor values (no fault) was taken.</summary>
        SensorRead = 0,

        /// <summary>The broker accepted the connection.</summary>
        BrokerReached = 1,

        /// <summary>The broker acknowledged a telemetry batch.</summary>
        TelemetryAcknowledged = 2,
    }

    /// <summary>
    /// Optional for an extension: it hears the node's health signals, can ask for a health check now (take a
    /// sample and connect at once, once per wake) and can ask for a restart. The OTA client uses all three to
    /// confirm a trial image and to boot a newly installed one.
    /// </summary>
    public interface INodeLifecycleExtension
    {
        void OnHealthSignal(NodeHealthSignal signal);

        bool WantsHealthCheckNow { get; }

        bool RebootRequested { get; }
    }
}
