namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// What a host does with the identity it finds at boot, decided the same way on the device and the virtual
    /// node: run the node with the committed bundle, or wait in provisioning mode because there is no identity
    /// or it is unusable. An unusable identity is a reported fault (<see cref="IdentityState.Corrupt"/>, with
    /// <see cref="Fault"/> saying why), never an exception that ends the boot: a device that threw here would
    /// restart into the same throw on every boot.
    /// </summary>
    public class BootIdentity
    {
        private BootIdentity(IdentityState state, ProvisioningBundle bundle, string fault)
        {
            State = state;
            Bundle = bundle;
            Fault = fault;
        }

        /// <summary>Empty or Stored (never provisioned), Committed (run), or Corrupt (see <see cref="Fault"/>).</summary>
        public IdentityState State { get; private set; }

        /// <summary>The bundle to run with; null unless <see cref="State"/> is Committed.</summary>
        public ProvisioningBundle Bundle { get; private set; }

        /// <summary>Why the stored identity cannot be used; null unless Corrupt. Holds no key material.</summary>
        public string Fault { get; private set; }

        public bool RunsNode { get { return State == IdentityState.Committed; } }

        /// <summary>Reads and checks the committed bundle. Never throws for what is on flash.</summary>
        public static BootIdentity Decide(IdentityStore store, string deviceId)
        {
            IdentityState state = store.State;
            if (state != IdentityState.Committed) return new BootIdentity(state, null, null);
            ProvisioningBundle bundle;
            try
            {
                bundle = BundleCodec.Decode(store.BundleBytes);
            }
            catch (ProvisioningException e)
            {
                return Corrupt("the stored bundle does not decode: " + e.Message);
            }
            if (bundle.DeviceId != deviceId) return Corrupt("the stored bundle is for " + bundle.DeviceId + ", this device is " + deviceId);
            try
            {
                BundleValidator.CheckCredentials(bundle, deviceId);
            }
            catch (ProvisioningException e)
            {
                return Corrupt(e.Message);
            }
            return new BootIdentity(IdentityState.Committed, bundle, null);
        }

        /// <summary>The host's TLS library refused the credentials that passed <see cref="Decide"/>.</summary>
        public static BootIdentity Refused(string reason)
        {
            return Corrupt("the TLS library refused the stored certificate or key: " + reason);
        }

        /// <summary>The line the host prints on its console when it does not run the node.</summary>
        public string ConsoleLine()
        {
            if (State == IdentityState.Corrupt) return "identity fault: " + Fault + "; provisioning mode, re-provision this device";
            if (State == IdentityState.Committed) return "identity ok: " + Bundle.DeviceId;
            return "not provisioned: provisioning mode";
        }

        private static BootIdentity Corrupt(string fault)
        {
            return new BootIdentity(IdentityState.Corrupt, null, fault);
        }
    }
}
