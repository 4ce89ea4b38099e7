package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.review.Iam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery pipeline runs the review's check against what prod runs before the release approval, with a role that
 * may assume prod's look-up role and nothing else of the stage accounts; the script that reads the deployed template
 * fails closed.
 */
class PipelineCheckTest {
    @TempDir
    Path dir;

    @Test
    void prodsReviewCheckRunsAfterTheSecurityCheckAndBeforeTheApprovalWithOnlyTheLookupRole() {
        StackTemplate pipeline = Stacks.load(Fixtures.snapshots()).byKey().get("Pipeline");
        Template t = pipeline.template();
        String project = t.ofType("AWS::CodeBuild::Project").stream().filter(id -> t.properties(id).path("Source")
                .path("BuildSpec").asText().contains("./scripts/review --deployed prod --no-synth"))
                .findFirst().orElseThrow();

        JsonNode stages = t.properties(t.ofType("AWS::CodePipeline::Pipeline").get(0)).path("Stages");
        List<String> prod = new ArrayList<>();
        for (JsonNode stage : stages) {
            if (stage.path("Name").asText().equals("prod")) {
                stage.path("Actions").forEach(a -> prod.add(a.path("RunOrder").asInt() + " " + (t.references(
                        a.path("Configuration").path("ProjectName")).contains(project) ? "review check"
                        : a.path("Name").asText())));
            }
        }
        assertThat(prod).containsSubsequence("1 SecurityCheck.Check", "3 review check", "4 PromoteToProd");

        List<String> assumable = Iam.grants(t).stream().filter(g -> g.principal().equals(t.name(project))
                && g.action().equals("sts:AssumeRole")).map(Iam.Grant::resource).toList();
        assertThat(assumable).containsExactly(
                "arn:aws:iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1");
    }

    private record Run(int code, String out, String err) {
    }

    private Run deployedTemplate(String stack) throws IOException, InterruptedException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path aws = bin.resolve("aws");
        Files.writeString(aws, """
                #!/usr/bin/env bash
                echo "$*" >> "$(dirname "$0")/calls"
                case "$1 $2" in
                  "sts assume-role") echo "AKIATEST SECRET TOKEN" ;;
                  "cloudformation get-template")
                    [ "$AWS_ACCESS_KEY_ID" = AKIATEST ] || { echo "no credentials" >&2; exit 255; }
                    case "$*" in
                      *"--stack-name prod-serverless-kit"*) echo '{"Resources": {}}' ;;
                      *"--stack-name missing"*)
                        echo "An error occurred (ValidationError): Stack with id missing does not exist" >&2
                        exit 254 ;;
                      *) echo "An error occurred (AccessDenied)" >&2; exit 254 ;;
                    esac ;;
                esac
                """);
        aws.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(Fixtures.root().resolve("scripts/lib/deployed-template").toString(),
                stack, "eu-west-1", "arn:${AWS::Partition}:iam::333333333333:role/lookup");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes()),
                new String(p.getErrorStream().readAllBytes()));
    }

    @Test
    void theDeployedTemplateIsReadWithTheLookupRoleAndAMissingStackIsNotAnError() throws Exception {
        Run found = deployedTemplate("prod-serverless-kit");
        assertThat(found.code()).isZero();
        assertThat(found.out()).isEqualTo("{\"Resources\": {}}\n");
        assertThat(Files.readString(dir.resolve("bin/calls"))).startsWith(
                "sts assume-role --role-arn arn:aws:iam::333333333333:role/lookup --role-session-name");

        Run missing = deployedTemplate("missing");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("stack missing is not deployed in eu-west-1");

        Run denied = deployedTemplate("other");
        assertThat(denied.code()).isEqualTo(2);
        assertThat(denied.err()).contains("cannot read stack other in eu-west-1", "AccessDenied");
    }
}
