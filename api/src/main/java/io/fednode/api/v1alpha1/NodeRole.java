package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a node contributes to the federation. */
public enum NodeRole {
    /** Holds images and anonymises them; runs no training. */
    @JsonProperty("data")
    DATA,
    /** Runs GPU training on datasets; holds no raw images. */
    @JsonProperty("compute")
    COMPUTE,
    /** Both. */
    @JsonProperty("hybrid")
    HYBRID;

    public boolean holdsData() {
        return this != COMPUTE;
    }

    public boolean computes() {
        return this != DATA;
    }
}
