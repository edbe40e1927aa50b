package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FederatedSeedsTest {

    @Test
    void local_sameInputs_sameSeedGolden() {
        FederatedRecipe r = Fixtures.classifier();
        assertThat(FederatedSeeds.local(r, "task-1", 1, "org-a")).isEqualTo(FederatedSeeds.local(r, "task-1", 1, "org-a"))
                .isEqualTo(GOLDEN_LOCAL);
        assertThat(FederatedSeeds.root(r, "task-1", 1)).isEqualTo(GOLDEN_ROOT);
    }

    private static final long GOLDEN_LOCAL = 6304979384467635901L;
    private static final long GOLDEN_ROOT = -8174189341308636666L;

    @Test
    void local_anyInputChanged_seedChanges() {
        FederatedRecipe r = Fixtures.classifier();
        Set<Long> seeds = new HashSet<>();
        seeds.add(FederatedSeeds.local(r, "task-1", 1, "org-a"));
        seeds.add(FederatedSeeds.local(r, "task-1", 1, "org-b"));
        seeds.add(FederatedSeeds.local(r, "task-1", 2, "org-a"));
        seeds.add(FederatedSeeds.local(r, "task-2", 1, "org-a"));
        seeds.add(FederatedSeeds.local(Fixtures.logistic(), "task-1", 1, "org-a"));
        seeds.add(FederatedSeeds.root(r, "task-1", 1));
        seeds.add(FederatedSeeds.root(r, "task-1", 2));
        // length-prefixed strings: moving a character between task and participant changes the seed
        seeds.add(FederatedSeeds.local(r, "task-1o", 1, "rg-a"));
        assertThat(seeds).hasSize(8);
    }

    @Test
    void local_badArguments_rejected() {
        FederatedRecipe r = Fixtures.classifier();
        assertThatThrownBy(() -> FederatedSeeds.local(r, "task-1", 0, "org-a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds count from 1");
        assertThatThrownBy(() -> FederatedSeeds.local(r, " ", 1, "org-a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task id");
        assertThatThrownBy(() -> FederatedSeeds.local(r, "task-1", 1, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("participant id");
        assertThatThrownBy(() -> FederatedSeeds.root(r, "task-1", -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
