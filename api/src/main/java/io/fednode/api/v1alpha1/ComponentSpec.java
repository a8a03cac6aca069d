package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * One Helm-packaged add-on of the node (a DICOM receiver, a viewer, a federated-learning client),
 * installed by the operator as the Helm release {@code name} in the node's namespace.
 */
@ValidationRule(
        value = "!self.chart.startsWith('oci://') || !has(self.repository)",
        message =
                "repository must be absent for an oci:// chart: the registry is part of the"
                        + " reference")
@ValidationRule(
        value = "self.chart.startsWith('oci://') || has(self.repository)",
        message = "repository is required for a chart name (or give chart as an oci:// reference)")
@ValidationRule(
        value =
                "!has(self.plainHTTP) || !self.plainHTTP || self.chart.startsWith('oci://127.0.0.1:')"
                        + " || self.chart.startsWith('oci://127.0.0.1/')",
        message =
                "plainHTTP is only for an oci:// chart on 127.0.0.1: a registry elsewhere is"
                        + " reached over TLS")
public class ComponentSpec {
    /**
     * The component's name and its Helm release's (RFC 1123 DNS label, at most 53 characters as
     * Helm allows), unique within the node.
     */
    @Required
    @Size(min = 1, max = 53)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String name;

    /**
     * The chart's name in {@code repository}'s index.yaml, or an OCI reference {@code
     * oci://host[:port]/path/name} to a chart in an OCI registry (then without {@code repository},
     * and without a tag or digest: the version is {@code version}). The registry is reached over
     * HTTPS (plain HTTP only with plainHTTP, for 127.0.0.1) and its host must be inside
     * spec.connectivity.egressCIDRs.
     */
    @Required
    @Size(min = 1, max = 512)
    @ValidationRule(
            value =
                    "self.startsWith('oci://') ? self.matches('^oci://[a-z0-9]([-a-z0-9.]*[a-z0-9])?"
                            + "(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)+([:@].*)?$')"
                            + " : (size(self) <= 128 && self.matches('^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$'))",
            message =
                    "chart must be a chart name (lowercase letters, digits, '-', '_', '.'; at most"
                            + " 128) or an oci://host[:port]/path/name reference")
    @ValidationRule(
            value = "!self.startsWith('oci://') || !self.matches('^oci://[^/]*/.*[:@]')",
            message =
                    "an oci:// chart reference must not carry a tag or digest: the version comes"
                            + " from version")
    private String chart;

    /**
     * The chart repository (its index.yaml is under this URL): https:// only. Plain http is
     * accepted for 127.0.0.1 alone, and the operator refuses even that unless it runs with
     * FEDNODE_COMPONENTS_ALLOW_LOOPBACK_REPOSITORY=true (tests). The repository's host must be
     * inside spec.connectivity.egressCIDRs. Required for a chart name, absent for an oci:// chart.
     */
    @Size(min = 1, max = 2048)
    @ValidationRule(
            value =
                    "(self.startsWith('https://') || self.startsWith('http://127.0.0.1:')"
                            + " || self.startsWith('http://127.0.0.1/')) && isURL(self)"
                            + " && url(self).getHostname() != ''",
            message = "repository must be an https:// URL with a host (http:// only for 127.0.0.1)")
    private String repository;

    /** The chart's exact version (semantic version, e.g. 1.4.2): GitOps needs pins. */
    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(
            value =
                    "self.matches('"
                            + "^(0|[1-9][0-9]*)\\\\.(0|[1-9][0-9]*)\\\\.(0|[1-9][0-9]*)"
                            + "(-[0-9A-Za-z-]+(\\\\.[0-9A-Za-z-]+)*)?"
                            + "(\\\\+[0-9A-Za-z-]+(\\\\.[0-9A-Za-z-]+)*)?$')",
            message =
                    "version must be an exact semantic version such as 1.4.2 (no ranges, no"
                            + " latest, no leading v)")
    private String version;

    /** Helm values, given to the chart as they are. Never put secrets here: use valuesFrom. */
    @PreserveUnknownFields private JsonNode values;

    /**
     * Helm values read from Secrets of the node's namespace (YAML under the key), merged over
     * {@code values} in this order. Their content never appears in the node's status or events.
     */
    @Size(max = 8)
    private List<ComponentValuesSource> valuesFrom = new ArrayList<>();

    /**
     * Fetch the oci:// chart over plain HTTP instead of HTTPS: for a registry on 127.0.0.1 only
     * (tests), and the operator refuses even that unless it runs with
     * FEDNODE_COMPONENTS_ALLOW_LOOPBACK_REPOSITORY=true.
     */
    @JsonProperty("plainHTTP")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private Boolean plainHttp;

    /** false uninstalls the release and keeps the declaration. */
    @Default("true")
    private Boolean enabled = Boolean.TRUE;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getChart() {
        return chart;
    }

    public void setChart(String chart) {
        this.chart = chart;
    }

    public String getRepository() {
        return repository;
    }

    public void setRepository(String repository) {
        this.repository = repository;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public JsonNode getValues() {
        return values;
    }

    public void setValues(JsonNode values) {
        this.values = values;
    }

    public List<ComponentValuesSource> getValuesFrom() {
        return valuesFrom;
    }

    public void setValuesFrom(List<ComponentValuesSource> valuesFrom) {
        this.valuesFrom = valuesFrom == null ? new ArrayList<>() : valuesFrom;
    }

    public Boolean getPlainHttp() {
        return plainHttp;
    }

    public void setPlainHttp(Boolean plainHttp) {
        this.plainHttp = plainHttp;
    }

    /** Whether {@link #getChart()} is an oci:// reference rather than a repository's chart name. */
    @JsonIgnore
    public boolean isOci() {
        return chart != null && chart.startsWith("oci://");
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    /** Whether the component should be installed (absent means yes). */
    public boolean isEnabled() {
        return enabled == null || enabled;
    }
}
