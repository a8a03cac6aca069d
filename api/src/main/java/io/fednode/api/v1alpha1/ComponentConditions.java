package io.fednode.api.v1alpha1;

/**
 * Condition types and reasons of a node's components ({@code status.components[].conditions}) and
 * the node's summary condition {@link #COMPONENTS_READY}.
 */
public final class ComponentConditions {
    /** On the node: every enabled component is Ready (True when none is declared). */
    public static final String COMPONENTS_READY = "ComponentsReady";

    /** On a component: its release is deployed and its resources were ready. */
    public static final String READY = "Ready";

    /** On a component ("abnormal-true"): the last operation failed, the reason says how. */
    public static final String FAILED = "Failed";

    /**
     * On a component ("abnormal-true", present only while True): an upgrade is declared and waits
     * for the node's maintenance window; the release keeps serving what it deployed. The message
     * names when the window opens next.
     */
    public static final String UPGRADE_PENDING = "UpgradePending";

    /** What the operator last did to a component's release ({@code lastOperation}). */
    public static final class Operations {
        public static final String INSTALL = "Install";
        public static final String UPGRADE = "Upgrade";
        public static final String REINSTALL = "Reinstall";
        public static final String UNINSTALL = "Uninstall";
        public static final String REFUSED = "Refused";

        private Operations() {}
    }

    public static final class Reasons {
        public static final String INSTALLED = "Installed";
        public static final String UPGRADED = "Upgraded";
        public static final String REINSTALLED = "Reinstalled";
        public static final String DISABLED = "Disabled";
        public static final String NO_FAILURE = "NoFailure";
        public static final String INSTALL_FAILED = "InstallFailed";
        public static final String UPGRADE_FAILED = "UpgradeFailedRolledBack";

        /**
         * A Pod of the chart breaks the namespace's Pod Security level (nothing left installed).
         */
        public static final String POD_SECURITY_VIOLATION = "PodSecurityViolation";

        public static final String UNINSTALL_FAILED = "UninstallFailed";
        public static final String REPOSITORY_UNREACHABLE = "RepositoryUnreachable";
        public static final String REPOSITORY_NOT_ALLOWED = "RepositoryNotAllowed";
        public static final String CHART_NOT_FOUND = "ChartNotFound";

        /** An OCI registry refused anonymous access (fednode sends no registry credentials). */
        public static final String REGISTRY_ACCESS_DENIED = "RegistryAccessDenied";

        public static final String CHART_INVALID = "ChartInvalid";
        public static final String VALUES_INVALID = "ValuesInvalid";
        public static final String NOT_INSTALLED = "NotInstalled";

        // UpgradePending, and the events of the maintenance window
        public static final String OUTSIDE_MAINTENANCE_WINDOW = "OutsideMaintenanceWindow";

        /** spec.maintenanceWindow cannot be used (an unknown time zone): no window opens. */
        public static final String MAINTENANCE_WINDOW_INVALID = "MaintenanceWindowInvalid";

        /** Event: an upgrade held for the window is applied now that it is open. */
        public static final String MAINTENANCE_WINDOW_OPEN = "MaintenanceWindowOpen";

        // ComponentsReady
        public static final String NO_COMPONENTS = "NoComponents";
        public static final String ALL_COMPONENTS_READY = "AllComponentsReady";
        public static final String COMPONENT_NOT_READY = "ComponentNotReady";

        private Reasons() {}
    }

    private ComponentConditions() {}
}
