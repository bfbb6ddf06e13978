using System;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The factory's serial protocol as the device answers it (docs/formats/provisioning.md): a session on an empty
    /// identity store for the device with MAC "mac:". DER blobs are named lines ("der: NAME HEX"); "bundle: ID CERT KEY
    /// CA" builds a bundle from them (host, port, Wi-Fi, release key and configuration fixed). "send:" lines run in order:
    /// "hello", "put-bundle" (the last bundle line), "commit" (the hash the device last sent in STORED), "commit-other",
    /// "factory-reset TOKEN...", "factory-reset-signed HEX" (a payload as sent), "reboot", "raw HEX" (bytes as they come
    /// down the wire), "boot" (the decision the device makes at power-on from what is stored: BootIdentity), "new-session
    /// HEX" (a restart: a new session over the same store with that challenge), "not-a-request" (a frame of type 0x08,
    /// which no request uses), and for the boot-time re-entry window (<see cref="ReentryWindow"/>): "window MS" (opens one
    /// over the current session at that time), "poll MS" (what the window tells the host then), "window-opens" (the wake
    /// causes that open one). "challenge:" is the first session's challenge, "rel:" the bundle's release key (else 01 02 ..
    /// 20). With "random:" the sessions have a random source that gives those bytes in order (32 per draw), and
    /// "generate-key" asks the device for its own key ("generate-key HEX" with a payload); a bundle's KEY "-" leaves the
    /// key out. "repeat" sends the last request again unchanged (a host retry). "self-test" runs SELF_TEST ("self-test HEX"
    /// with a payload) when the case has "sensor:" (the chip id the simulated sensor reports, hex, or "missing"); its
    /// scratch storage is a flash of one sector. Expect: the device's replies, one per request (a certificate request as
    /// "csr HEX"), the window's answers, and the identity state at the end.
    /// </summary>
    public static class ProvisioningCheck
    {
        public static string Compute(Vector v)
        {
            var store = new IdentityStore(new CutFlash(4 * 4096, 4096), 0);
            ScriptedRandom random = v.Has("random") ? new ScriptedRandom(v.Bytes("random")) : null;
            var session = new ProvisioningSession(store, v.Bytes("mac"), "1.2.0", ProvisioningProtocol.DefaultMaxPayload,
                v.Has("challenge") ? v.Bytes("challenge") : null, random);
            byte[] wire = null;
            if (v.Has("sensor")) session.EnableSelfTest(new ScriptedSensorProbe(v.Text("sensor")), new CutFlash(4096, 4096));
            string[] blobs = v.All("der");
            byte[] stored = new byte[32];
            string log = "";
            int sequence = 1;
            ReentryWindow window = null;
            foreach (string send in v.All("send"))
            {
                int space = send.IndexOf(' ');
                string op = space < 0 ? send : send.Substring(0, space);
                string arg = space < 0 ? "" : send.Substring(space + 1);
                if (op == "repeat")
                {
                    if (wire == null) throw new VectorFormatException(v.Name + ": nothing to repeat");
                }
                else if (op == "self-test") wire = FrameEncoder.Encode(MessageType.SelfTest, sequence++, arg.Length == 0 ? new byte[0] : HexText.Decode(arg, v.Name + ".send"));
                else if (op == "generate-key") wire = FrameEncoder.Encode(MessageType.GenerateKey, sequence++, arg.Length == 0 ? new byte[0] : HexText.Decode(arg, v.Name + ".send"));
                else if (op == "hello") wire = FrameEncoder.Encode(MessageType.Hello, sequence++, new byte[0]);
                else if (op == "put-bundle") wire = FrameEncoder.Encode(MessageType.PutBundle, sequence++, Bundle(v, blobs));
                else if (op == "commit") wire = FrameEncoder.Encode(MessageType.Commit, sequence++, stored);
                else if (op == "commit-other") wire = FrameEncoder.Encode(MessageType.Commit, sequence++, Sha256.Hash(new byte[] { 1 }));
                else if (op == "factory-reset") wire = FrameEncoder.Encode(MessageType.FactoryReset, sequence++, Utf8.GetBytes(arg));
                else if (op == "factory-reset-signed") wire = FrameEncoder.Encode(MessageType.FactoryReset, sequence++, HexText.Decode(arg, v.Name + ".send"));
                else if (op == "new-session")
                {
                    session = new ProvisioningSession(store, v.Bytes("mac"), "1.2.0", ProvisioningProtocol.DefaultMaxPayload, HexText.Decode(arg, v.Name + ".send"), random);
                    log += "new session; ";
                    continue;
                }
                else if (op == "reboot") wire = FrameEncoder.Encode(MessageType.Reboot, sequence++, new byte[0]);
                else if (op == "raw") wire = HexText.Decode(arg, v.Name + ".send");
                else if (op == "not-a-request") wire = FrameEncoder.Encode((MessageType)0x08, sequence++, new byte[0]);
                else if (op == "window")
                {
                    window = new ReentryWindow(session, HexText.ParseLong(arg, v.Name + ".send"));
                    log += "window at " + arg + "; ";
                    continue;
                }
                else if (op == "poll")
                {
                    if (window == null) throw new VectorFormatException(v.Name + ": poll before window");
                    log += "poll " + arg + " " + Name(window.Poll(HexText.ParseLong(arg, v.Name + ".send"))) + "; ";
                    continue;
                }
                else if (op == "window-opens")
                {
                    log += "window opens on";
                    for (int cause = (int)WakeCause.PowerOn; cause <= (int)WakeCause.Unknown; cause++)
                        if (ReentryWindow.OpensOn((WakeCause)cause)) log += " " + Name((WakeCause)cause);
                    log += "; ";
                    continue;
                }
                else if (op == "boot")
                {
                    BootIdentity decision = BootIdentity.Decide(store, session.DeviceId);
                    log += "boot " + Name(decision.State) + (decision.RunsNode ? " runs the node" : " stays in provisioning") + "; ";
                    continue;
                }
                else throw new VectorFormatException(v.Name + ": unknown send '" + send + "'");
                session.Receive(wire, 0, wire.Length);
                log += Replies(session.TakeOutput(), stored);
            }
            return log + "| state " + Name(session.State) + (session.RebootRequested ? " reboot" : "");
        }

        private static byte[] Bundle(Vector v, string[] blobs)
        {
            string[] lines = v.All("bundle");
            string[] f = Fields.Split(lines[lines.Length - 1], 4, v.Name + ".bundle");
            var b = new ProvisioningBundle();
            b.DeviceId = f[0];
            b.DeviceCertificate = Blob(blobs, f[1], v.Name);
            b.DevicePrivateKey = f[2] == "-" ? null : Blob(blobs, f[2], v.Name);
            b.CaCertificate = Blob(blobs, f[3], v.Name);
            b.BrokerHost = "broker.factory.local";
            b.BrokerPort = 8883;
            b.WifiSsid = "factory-line";
            b.WifiPassphrase = "correct horse battery staple";
            if (v.Has("rel")) b.ReleasePublicKey = v.Bytes("rel");
            else
            {
                b.ReleasePublicKey = new byte[32];
                for (int i = 0; i < 32; i++) b.ReleasePublicKey[i] = (byte)(i + 1);
            }
            if (v.Has("cfg")) b.ConfigOverrides = CborDiagnostic.Write(v.Text("cfg"));
            return BundleCodec.Encode(b);
        }

        private static byte[] Blob(string[] blobs, string name, string caseName)
        {
            foreach (string line in blobs)
            {
                int space = line.IndexOf(' ');
                if (line.Substring(0, space) == name) return HexText.Decode(line.Substring(space + 1), caseName + "." + name);
            }
            throw new VectorFormatException(caseName + ": no der named " + name);
        }

        /// <summary>Each reply frame as text; STORED's hash is kept for the next COMMIT.</summary>
        private static string Replies(byte[] output, byte[] stored)
        {
            var decoder = new FrameDecoder();
            decoder.Feed(output, 0, output.Length);
            string text = "";
            for (FrameDecodeResult r = decoder.Next(); r != null; r = decoder.Next())
            {
                if (!r.IsFrame) { text += "unreadable reply; "; continue; }
                Frame f = r.Frame;
                if (f.Type == MessageType.Stored)
                {
                    Array.Copy(f.Payload, stored, 32);
                    text += "stored; ";
                }
                else if (f.Type == MessageType.HelloReply || f.Type == MessageType.Error)
                {
                    text += (f.Type == MessageType.Error ? "error " : "hello ") + CborDiagnostic.Read(new Core.Cbor.CborReader(f.Payload)) + "; ";
                }
                else if (f.Type == MessageType.CertificateRequest) text += "csr " + HexText.Encode(f.Payload) + "; ";
                else if (f.Type == MessageType.SelfTestResult) text += "self-test " + CborDiagnostic.Read(new Core.Cbor.CborReader(f.Payload)) + "; ";
                else text += f.Type == MessageType.Committed ? "committed; " : f.Type == MessageType.Rebooting ? "rebooting; " : f.Type == MessageType.ResetDone ? "reset; " : "type " + (int)f.Type + "; ";
            }
            return text;
        }

        // Spelled out: an enum's ToString is not the same on nanoCLR.
        private static string Name(ReentryStep s)
        {
            return s == ReentryStep.Listen ? "listen" : s == ReentryStep.RunNode ? "run-node" : s == ReentryStep.Provision ? "provision" : s == ReentryStep.Reboot ? "reboot" : "other";
        }

        private static string Name(WakeCause c)
        {
            return c == WakeCause.PowerOn ? "power-on" : c == WakeCause.DeepSleepTimer ? "timer" : c == WakeCause.DeepSleepPin ? "pin"
                : c == WakeCause.Reset ? "reset" : c == WakeCause.Watchdog ? "watchdog" : c == WakeCause.Brownout ? "brownout" : "unknown";
        }

        private static string Name(IdentityState s)
        {
            return s == IdentityState.Empty ? "empty" : s == IdentityState.Stored ? "stored" : s == IdentityState.Committed ? "committed" : "corrupt";
        }
    }
}
