package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.StageProfile;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stage;

/** One profile per stage of an app; every construct of the library created in a stage follows its profile. */
public final class StageProfileExample {
    private StageProfileExample() {
    }

    public static void define(App app) {
        // example:start
        Stage devStage = new Stage(app, "dev");
        Stage stagingStage = new Stage(app, "staging");
        Stage prodStage = new Stage(app, "prod");
        StageProfile.apply(devStage, StageProfile.development());
        StageProfile.apply(stagingStage, StageProfile.builder()
                .removalPolicy(RemovalPolicy.DESTROY).pagingEnabled(false).build());
        StageProfile.apply(prodStage, StageProfile.production());
        // then the stacks of each stage, created in it
        // example:end
    }
}
