package dev.serverlesskit.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.IPolicyValidationContext;
import software.amazon.awscdk.IPolicyValidationPlugin;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.PolicyValidationStack;
import software.amazon.awscdk.PolicyViolation;
import software.constructs.IConstruct;

/**
 * cdk-nag's AwsSolutions and Serverless packs as one synthesis validation plugin that checks each stack once.
 *
 * <p>aws-cdk-lib calls a validation plugin once per group of stacks that share an account and region (four here:
 * dev, staging, prod and the tools account's pipeline), while a cdk-nag 3 pack added as a plugin walks the whole
 * app on every call: four walks of everything per pack, each finding reported four times. This plugin walks only
 * the stacks of the group it is called for, with both packs, so every stack is checked exactly once and every
 * finding reported once. An unacknowledged finding still fails synthesis.
 */
final class NagValidation implements IPolicyValidationPlugin {
    private final List<NagPack> packs;

    NagValidation(IConstruct app) {
        this.packs = List.of(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    }

    @Override
    public String getName() {
        return "cdk-nag";
    }

    @Override
    public String getVersion() {
        return packs.get(0).getVersion();
    }

    @Override
    public PolicyValidationPluginReport validate(IPolicyValidationContext context) {
        IConstruct app = context.getAppConstruct();
        List<PolicyViolation> violations = new ArrayList<>();
        for (PolicyValidationStack stack : context.getStackTemplates()) {
            IConstruct scope = find(app, stack.getStackConstructPath());
            for (NagPack pack : packs) {
                violations.addAll(pack.validateScope(scope).getViolations());
            }
        }
        return PolicyValidationPluginReport.builder()
                .success(violations.isEmpty())
                .violations(violations)
                .build();
    }

    /** The stack at {@code path} (its construct path, as the cloud assembly names it). */
    static IConstruct find(IConstruct app, String path) {
        IConstruct stack = ConstructPaths.tryDescendant(app, path);
        if (stack == null) {
            throw new IllegalStateException("cdk-nag: no stack at construct path '" + path + "' (the validation"
                    + " context names stacks by construct path; has aws-cdk-lib changed that?)");
        }
        return stack;
    }
}
