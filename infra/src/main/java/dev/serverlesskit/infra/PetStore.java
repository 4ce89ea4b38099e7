package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.DataTable;
import dev.serverlesskit.constructs.DataTableProps;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.RouteAccess;
import dev.serverlesskit.constructs.ServerlessApi;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.constructs.Construct;

/**
 * The pet store: a catalog anyone may browse, pets that admins add, and purchases by signed-in users.
 *
 * <p>A pet is sold at most once by ONE conditional write on its item ({@code status = AVAILABLE} becomes SOLD
 * with the buyer), so purchases need no transaction; the caller's purchases are the pets whose {@code buyerId}
 * is theirs (index {@code byBuyer}). Retried purchases are idempotent through the {@code PurchaseRequests} table.
 *
 * <p>Each function gets only the DynamoDB actions it calls.
 */
public class PetStore extends Construct {
    public static final String BY_SPECIES_INDEX = "bySpecies";
    public static final String BY_BUYER_INDEX = "byBuyer";

    private final DataTable pets;
    private final DataTable purchaseRequests;
    private final JavaFunction listPets;
    private final JavaFunction getPet;
    private final JavaFunction addPet;
    private final JavaFunction purchasePet;
    private final JavaFunction listPurchases;

    public PetStore(Construct scope, String id, ServerlessApi api, FunctionFactory functions, Operations operations,
                    StageConfig config) {
        super(scope, id);

        this.pets = new DataTable(this, "Pets", DataTableProps.builder()
                .partitionKey(stringKey("petId"))
                .globalSecondaryIndexes(List.of(
                        GlobalSecondaryIndexProps.builder().indexName(BY_SPECIES_INDEX)
                                .partitionKey(stringKey("species"))
                                .sortKey(Attribute.builder().name("price").type(AttributeType.NUMBER).build())
                                .projectionType(ProjectionType.ALL).build(),
                        GlobalSecondaryIndexProps.builder().indexName(BY_BUYER_INDEX)
                                .partitionKey(stringKey("buyerId"))
                                .sortKey(stringKey("soldAt"))
                                .projectionType(ProjectionType.ALL).build()))
                .removalPolicy(config.removalPolicy())
                .operations(operations)
                .build());
        this.purchaseRequests = new DataTable(this, "PurchaseRequests", DataTableProps.builder()
                .partitionKey(stringKey("idempotencyKey"))
                .timeToLiveAttribute("expiresAt")
                .removalPolicy(config.removalPolicy())
                .operations(operations)
                .build());

        Map<String, String> petsEnv = Map.of("PETS_TABLE", pets.getTable().getTableName());
        this.listPets = functions.apiFunction(this, "ListPets", "pet-catalog", Handlers.LIST_PETS, petsEnv);
        this.getPet = functions.apiFunction(this, "GetPet", "pet-catalog", Handlers.GET_PET, petsEnv);
        this.addPet = functions.apiFunction(this, "AddPet", "pet-catalog", Handlers.ADD_PET, petsEnv);
        this.purchasePet = functions.apiFunction(this, "PurchasePet", "pet-purchases", Handlers.PURCHASE_PET, Map.of(
                "PETS_TABLE", pets.getTable().getTableName(),
                "IDEMPOTENCY_TABLE", purchaseRequests.getTable().getTableName()));
        this.listPurchases = functions.apiFunction(this, "ListPurchases", "pet-purchases", Handlers.LIST_PURCHASES,
                petsEnv);

        // Each action on exactly the table or index the handler calls it on: CDK's table.grant would add index/*
        // to every action of a table with indexes. GetItem everywhere: SnapStart priming reads a key that never
        // exists before the snapshot is taken.
        String petsArn = pets.getTable().getTableArn();
        grant(listPets, petsArn, "dynamodb:Scan", "dynamodb:GetItem");
        grant(listPets, petsArn + "/index/" + BY_SPECIES_INDEX, "dynamodb:Query");
        grant(getPet, petsArn, "dynamodb:GetItem");
        grant(addPet, petsArn, "dynamodb:PutItem", "dynamodb:GetItem");
        grant(purchasePet, petsArn, "dynamodb:UpdateItem", "dynamodb:GetItem");
        // no DeleteItem: a failed request's key is released by marking its record, never deleted
        grant(purchasePet, purchaseRequests.getTable().getTableArn(), "dynamodb:PutItem", "dynamodb:GetItem",
                "dynamodb:UpdateItem");
        grant(listPurchases, petsArn, "dynamodb:GetItem");
        grant(listPurchases, petsArn + "/index/" + BY_BUYER_INDEX, "dynamodb:Query");

        String catalogIsPublic = "the catalog is browsed before signing in";
        api.addRoute("GET", "/pets", listPets.getAlias(), RouteAccess.publicAccess(catalogIsPublic));
        api.addRoute("GET", "/pets/{petId}", getPet.getAlias(), RouteAccess.publicAccess(catalogIsPublic));
        // No request models on the body routes: API Gateway answers a body its model refuses with "Invalid request
        // body", naming no field. The handlers validate every field and name the one at fault (lambdas/README.md).
        api.addRoute("POST", "/pets", addPet.getAlias(), RouteAccess.groups(ServerlessKitStack.ADMIN_GROUP));
        api.addRoute("POST", "/purchases", purchasePet.getAlias(), RouteAccess.authenticated());
        api.addRoute("GET", "/purchases", listPurchases.getAlias(), RouteAccess.authenticated());
    }

    private static void grant(JavaFunction function, String resourceArn, String... actions) {
        Grant.addToPrincipal(GrantOnPrincipalOptions.builder().grantee(function).actions(List.of(actions))
                .resourceArns(List.of(resourceArn)).build());
    }

    private static Attribute stringKey(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }

    public DataTable getPets() {
        return pets;
    }

    public DataTable getPurchaseRequests() {
        return purchaseRequests;
    }

    public JavaFunction getListPets() {
        return listPets;
    }

    public JavaFunction getGetPet() {
        return getPet;
    }

    public JavaFunction getAddPet() {
        return addPet;
    }

    public JavaFunction getPurchasePet() {
        return purchasePet;
    }

    public JavaFunction getListPurchases() {
        return listPurchases;
    }
}
