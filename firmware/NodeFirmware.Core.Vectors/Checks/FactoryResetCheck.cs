using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The signed FACTORY_RESET (<see cref="FactoryResetAuthorization"/>): "pub" the release key of the committed identity,
    /// "device" this device's id, "challenge" this boot's nonce ("-" when none is open), "payload" what arrived, and
    /// optionally "message", the bytes Core must sign-check for (device, challenge). Expect: "accepted" or
    /// "refused CODE NAME"; a differing message is reported before the verdict.
    /// A case with "random" instead makes "boots" challenges from those random bytes on one fresh counter store
    /// (<see cref="ResetChallenge"/>). Expect: "challenges HEX HEX ...".
    /// </summary>
    public static class FactoryResetCheck
    {
        public static string Compute(Vector v)
        {
            if (v.Has("random")) return Challenges(v);
            string device = v.Text("device");
            byte[] challenge = v.Text("challenge") == "-" ? null : v.Bytes("challenge");
            string prefix = "";
            if (v.Has("message"))
            {
                byte[] built = FactoryResetAuthorization.SignedMessage(device, challenge);
                if (!Hex.SameBytes(built, v.Bytes("message"))) prefix = "message differs: " + Hex.Encode(built) + "; ";
            }
            try
            {
                FactoryResetAuthorization.Check(v.Bytes("payload"), device, challenge, v.Bytes("pub"));
                return prefix + "accepted";
            }
            catch (ProvisioningException e)
            {
                return prefix + "refused " + (int)e.Code + " " + Name(e.Code);
            }
        }

        private static string Challenges(Vector v)
        {
            var flash = new CutFlash(4 * 4096, 4096);
            string text = "challenges";
            for (int i = v.Int("boots"); i > 0; i--) text += " " + Hex.Encode(ResetChallenge.Next(flash, 0, v.Bytes("random")));
            return text;
        }

        // Spelled out: an enum's ToString is not the same on nanoCLR.
        private static string Name(ErrorCode code)
        {
            if (code == ErrorCode.BadRequest) return "BadRequest";
            if (code == ErrorCode.WrongDevice) return "WrongDevice";
            if (code == ErrorCode.StaleChallenge) return "StaleChallenge";
            if (code == ErrorCode.BadSignature) return "BadSignature";
            return "other";
        }
    }
}
