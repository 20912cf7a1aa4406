/**
 * The subset of the Shopify Admin GraphQL API (version 2025-10) that the sandbox serves. Type, field, argument and enum
 * names follow https://shopify.dev/docs/api/admin-graphql/2025-10 (objects Order, LineItem, Product, ProductVariant,
 * Customer, Shop, MoneyBag, MoneyV2, WebhookSubscription; queries orders, products, customers, productVariants,
 * ordersCount, currentBulkOperation; mutations webhookSubscriptionCreate/Delete, bulkOperationRunQuery). Fields outside this subset fail validation exactly as an
 * unknown field would on Shopify ("Field 'x' doesn't exist on type 'Order'").
 */
export const ADMIN_SCHEMA_SDL = /* GraphQL */ `
  """
  An ISO-8601 encoded UTC date time string, e.g. 2026-01-05T14:03:22Z.
  """
  scalar DateTime
  """
  A signed decimal number serialized as a string, e.g. "29.99".
  """
  scalar Decimal
  """
  A monetary value string without a currency symbol or code, e.g. "100.57".
  """
  scalar Money
  """
  An unsigned 64-bit integer serialized as a string.
  """
  scalar UnsignedInt64
  """
  An RFC 3986 URL string.
  """
  scalar URL
  """
  An HTML string.
  """
  scalar HTML

  interface Node {
    id: ID!
  }

  enum CurrencyCode {
    USD
    CAD
    EUR
    GBP
    AUD
  }
  enum CountPrecision {
    EXACT
    AT_LEAST
  }
  enum OrderDisplayFinancialStatus {
    AUTHORIZED
    EXPIRED
    PAID
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    PENDING
    REFUNDED
    VOIDED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    IN_PROGRESS
    ON_HOLD
    OPEN
    PARTIALLY_FULFILLED
    PENDING_FULFILLMENT
    REQUEST_DECLINED
    RESTOCKED
    SCHEDULED
    UNFULFILLED
  }
  enum OrderCancelReason {
    CUSTOMER
    DECLINED
    FRAUD
    INVENTORY
    OTHER
    STAFF
  }
  enum OrderSortKeys {
    CREATED_AT
    CURRENT_TOTAL_PRICE
    CUSTOMER_NAME
    DESTINATION
    FINANCIAL_STATUS
    FULFILLMENT_STATUS
    ID
    ORDER_NUMBER
    PO_NUMBER
    PROCESSED_AT
    RELEVANCE
    TOTAL_ITEMS_QUANTITY
    TOTAL_PRICE
    UPDATED_AT
  }
  enum ProductSortKeys {
    CREATED_AT
    ID
    INVENTORY_TOTAL
    PRODUCT_TYPE
    PUBLISHED_AT
    RELEVANCE
    TITLE
    UPDATED_AT
    VENDOR
  }
  enum ProductVariantSortKeys {
    FULL_TITLE
    ID
    INVENTORY_LEVELS_AVAILABLE
    INVENTORY_MANAGEMENT
    INVENTORY_POLICY
    INVENTORY_QUANTITY
    NAME
    POPULAR
    POSITION
    RELEVANCE
    SKU
    TITLE
  }
  enum CustomerSortKeys {
    CREATED_AT
    ID
    LOCATION
    NAME
    RELEVANCE
    UPDATED_AT
  }
  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
    UNLISTED
  }
  enum CustomerState {
    DECLINED
    DISABLED
    ENABLED
    INVITED
  }
  enum CustomerEmailAddressMarketingState {
    INVALID
    NOT_SUBSCRIBED
    PENDING
    SUBSCRIBED
    UNSUBSCRIBED
  }
  enum WebhookSubscriptionFormat {
    JSON
    XML
  }
  enum WebhookSubscriptionTopic {
    BULK_OPERATIONS_FINISH
    ORDERS_CREATE
    ORDERS_UPDATED
    ORDERS_PAID
    ORDERS_CANCELLED
    ORDERS_FULFILLED
    ORDERS_PARTIALLY_FULFILLED
    ORDERS_DELETE
    PRODUCTS_CREATE
    PRODUCTS_UPDATE
    CUSTOMERS_CREATE
    CUSTOMERS_UPDATE
    APP_UNINSTALLED
  }

  type MoneyV2 {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }

  type MoneyBag {
    shopMoney: MoneyV2!
    presentmentMoney: MoneyV2!
  }

  type Count {
    count: Int!
    precision: CountPrecision!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Domain {
    host: String!
    url: URL!
  }

  type Shop implements Node {
    id: ID!
    name: String!
    email: String!
    contactEmail: String!
    myshopifyDomain: String!
    primaryDomain: Domain!
    url: URL!
    currencyCode: CurrencyCode!
    enabledPresentmentCurrencies: [CurrencyCode!]!
    ianaTimezone: String!
    timezoneAbbreviation: String!
  }

  type MailingAddress implements Node {
    id: ID!
    address1: String
    address2: String
    city: String
    company: String
    country: String
    countryCodeV2: String
    firstName: String
    lastName: String
    name: String
    phone: String
    province: String
    provinceCode: String
    zip: String
    formattedArea: String
  }

  type CustomerEmailAddress {
    emailAddress: String!
    marketingState: CustomerEmailAddressMarketingState!
  }

  type Customer implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    firstName: String
    lastName: String
    displayName: String!
    email: String @deprecated(reason: "Use defaultEmailAddress.emailAddress instead.")
    defaultEmailAddress: CustomerEmailAddress
    phone: String
    numberOfOrders: UnsignedInt64!
    amountSpent: MoneyV2!
    createdAt: DateTime!
    updatedAt: DateTime!
    tags: [String!]!
    state: CustomerState!
    verifiedEmail: Boolean!
    note: String
    defaultAddress: MailingAddress
    lastOrder: Order
    orders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: OrderSortKeys = ID
      query: String
    ): OrderConnection!
  }

  type CustomerEdge {
    cursor: String!
    node: Customer!
  }
  type CustomerConnection {
    edges: [CustomerEdge!]!
    nodes: [Customer!]!
    pageInfo: PageInfo!
  }

  type SelectedOption {
    name: String!
    value: String!
  }
  type ProductOption implements Node {
    id: ID!
    name: String!
    position: Int!
    values: [String!]!
  }
  type ProductPriceRangeV2 {
    minVariantPrice: MoneyV2!
    maxVariantPrice: MoneyV2!
  }

  type Product implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    handle: String!
    vendor: String!
    productType: String!
    status: ProductStatus!
    tags: [String!]!
    description(truncateAt: Int): String!
    descriptionHtml: HTML!
    totalInventory: Int!
    tracksInventory: Boolean!
    hasOnlyDefaultVariant: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    publishedAt: DateTime
    onlineStoreUrl: URL
    options(first: Int): [ProductOption!]!
    priceRangeV2: ProductPriceRangeV2!
    variants(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: ProductVariantSortKeys = POSITION
    ): ProductVariantConnection!
    variantsCount: Count
  }

  type ProductEdge {
    cursor: String!
    node: Product!
  }
  type ProductConnection {
    edges: [ProductEdge!]!
    nodes: [Product!]!
    pageInfo: PageInfo!
  }

  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    displayName: String!
    sku: String
    barcode: String
    price: Money!
    compareAtPrice: Money
    inventoryQuantity: Int
    availableForSale: Boolean!
    position: Int!
    taxable: Boolean!
    selectedOptions: [SelectedOption!]!
    product: Product!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  type LineItem implements Node {
    id: ID!
    title: String!
    name: String!
    variantTitle: String
    sku: String
    vendor: String
    quantity: Int!
    currentQuantity: Int!
    unfulfilledQuantity: Int!
    requiresShipping: Boolean!
    taxable: Boolean!
    isGiftCard: Boolean!
    originalUnitPriceSet: MoneyBag!
    discountedUnitPriceSet: MoneyBag!
    originalTotalSet: MoneyBag!
    discountedTotalSet: MoneyBag!
    totalDiscountSet: MoneyBag!
    taxLines(first: Int): [TaxLine!]!
    variant: ProductVariant
    product: Product
  }

  type TaxLine {
    title: String!
    rate: Float
    ratePercentage: Float
    priceSet: MoneyBag!
    channelLiable: Boolean
  }

  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }

  type RefundLineItem {
    id: ID!
    lineItem: LineItem!
    quantity: Int!
    restocked: Boolean!
    priceSet: MoneyBag!
    subtotalSet: MoneyBag!
    totalTaxSet: MoneyBag!
  }
  type RefundLineItemEdge {
    cursor: String!
    node: RefundLineItem!
  }
  type RefundLineItemConnection {
    edges: [RefundLineItemEdge!]!
    nodes: [RefundLineItem!]!
    pageInfo: PageInfo!
  }
  type RefundShippingLine {
    id: ID!
    subtotalAmountSet: MoneyBag!
    taxAmountSet: MoneyBag!
  }
  type RefundShippingLineEdge {
    cursor: String!
    node: RefundShippingLine!
  }
  type RefundShippingLineConnection {
    edges: [RefundShippingLineEdge!]!
    nodes: [RefundShippingLine!]!
    pageInfo: PageInfo!
  }
  type Refund implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    createdAt: DateTime
    updatedAt: DateTime!
    note: String
    totalRefundedSet: MoneyBag!
    refundLineItems(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
    ): RefundLineItemConnection!
    refundShippingLines(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
    ): RefundShippingLineConnection!
  }

  type ShippingLine {
    title: String!
    originalPriceSet: MoneyBag!
    discountedPriceSet: MoneyBag!
  }

  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    number: Int!
    createdAt: DateTime!
    processedAt: DateTime!
    updatedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    closed: Boolean!
    closedAt: DateTime
    confirmed: Boolean!
    test: Boolean!
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    fullyPaid: Boolean!
    currencyCode: CurrencyCode!
    presentmentCurrencyCode: CurrencyCode!
    email: String
    phone: String
    note: String
    tags: [String!]!
    sourceName: String
    discountCode: String
    discountCodes: [String!]!
    subtotalLineItemsQuantity: Int!
    totalWeight: UnsignedInt64
    totalPriceSet: MoneyBag!
    subtotalPriceSet: MoneyBag
    totalTaxSet: MoneyBag
    totalDiscountsSet: MoneyBag
    totalShippingPriceSet: MoneyBag!
    totalRefundedSet: MoneyBag!
    totalReceivedSet: MoneyBag!
    netPaymentSet: MoneyBag!
    totalOutstandingSet: MoneyBag!
    currentTotalPriceSet: MoneyBag!
    currentSubtotalPriceSet: MoneyBag!
    currentTotalTaxSet: MoneyBag!
    currentTotalDiscountsSet: MoneyBag!
    customer: Customer
    shippingAddress: MailingAddress
    billingAddress: MailingAddress
    shippingLine: ShippingLine
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
    refunds(first: Int): [Refund!]!
  }

  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type WebhookSubscription implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    topic: WebhookSubscriptionTopic!
    uri: String!
    callbackUrl: URL! @deprecated(reason: "Use uri instead.")
    format: WebhookSubscriptionFormat!
    includeFields: [String!]!
    filter: String
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type WebhookSubscriptionEdge {
    cursor: String!
    node: WebhookSubscription!
  }
  type WebhookSubscriptionConnection {
    edges: [WebhookSubscriptionEdge!]!
    nodes: [WebhookSubscription!]!
    pageInfo: PageInfo!
  }

  type UserError {
    field: [String!]
    message: String!
  }

  input WebhookSubscriptionInput {
    uri: String
    callbackUrl: URL
    format: WebhookSubscriptionFormat = JSON
    includeFields: [String!]
    filter: String
  }

  type WebhookSubscriptionCreatePayload {
    webhookSubscription: WebhookSubscription
    userErrors: [UserError!]!
  }

  type WebhookSubscriptionDeletePayload {
    deletedWebhookSubscriptionId: ID
    userErrors: [UserError!]!
  }

  """
  A JSON object or array.
  """
  scalar JSON

  enum ColumnDataType {
    ANY
    ARRAY
    BOOLEAN
    DATE_TIME
    DAY_TIMESTAMP
    FLOAT
    HOUR_TIMESTAMP
    IDENTITY
    INTEGER
    MONEY
    MONTH_TIMESTAMP
    PERCENT
    QUARTER_TIMESTAMP
    STRING
    WEEK_TIMESTAMP
    YEAR_TIMESTAMP
  }
  type ShopifyqlTableDataColumn {
    name: String!
    dataType: ColumnDataType!
    displayName: String!
    subType: ColumnDataType
  }
  type ShopifyqlTableData {
    columns: [ShopifyqlTableDataColumn!]!
    rows: JSON!
  }
  type ShopifyqlQueryResponse {
    parseErrors: [String!]!
    tableData: ShopifyqlTableData
  }

  type AccessScope {
    handle: String!
    description: String!
  }
  type AppInstallation implements Node {
    id: ID!
    accessScopes: [AccessScope!]!
  }

  enum BulkOperationStatus {
    CANCELED
    CANCELING
    COMPLETED
    CREATED
    EXPIRED
    FAILED
    RUNNING
  }
  enum BulkOperationErrorCode {
    ACCESS_DENIED
    INTERNAL_FILE_SERVER_ERROR
    INTERNAL_SERVER_ERROR
    TIMEOUT
  }
  enum BulkOperationType {
    MUTATION
    QUERY
  }
  enum BulkOperationUserErrorCode {
    INVALID
    OPERATION_IN_PROGRESS
  }
  type BulkOperation implements Node {
    id: ID!
    type: BulkOperationType!
    status: BulkOperationStatus!
    errorCode: BulkOperationErrorCode
    createdAt: DateTime!
    completedAt: DateTime
    objectCount: UnsignedInt64!
    rootObjectCount: UnsignedInt64!
    fileSize: UnsignedInt64
    url: URL
    partialDataUrl: URL
    query: String!
  }
  type BulkOperationUserError {
    field: [String!]
    message: String!
    code: BulkOperationUserErrorCode
  }
  type BulkOperationRunQueryPayload {
    bulkOperation: BulkOperation
    userErrors: [BulkOperationUserError!]!
  }

  type QueryRoot {
    shop: Shop!
    """
    The app's most recent bulk operation of a type (one bulk query runs at a time per app and shop).
    """
    currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
    currentAppInstallation: AppInstallation!
    """
    Runs a ShopifyQL query (requires read_reports).
    """
    shopifyqlQuery(query: String!): ShopifyqlQueryResponse
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    order(id: ID!): Order
    orders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: OrderSortKeys = ID
      query: String
    ): OrderConnection!
    ordersCount(query: String, limit: Int = 10000): Count
    product(id: ID!): Product
    productByHandle(handle: String!): Product @deprecated(reason: "Use productByIdentifier instead.")
    products(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: ProductSortKeys = ID
      query: String
    ): ProductConnection!
    productsCount(query: String, limit: Int = 10000): Count
    productVariant(id: ID!): ProductVariant
    productVariants(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: ProductVariantSortKeys = ID
      query: String
    ): ProductVariantConnection!
    customer(id: ID!): Customer
    customers(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      sortKey: CustomerSortKeys = ID
      query: String
    ): CustomerConnection!
    customersCount(query: String, limit: Int = 10000): Count
    webhookSubscription(id: ID!): WebhookSubscription
    webhookSubscriptions(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      topics: [WebhookSubscriptionTopic!]
      uri: String
    ): WebhookSubscriptionConnection!
  }

  type Mutation {
    bulkOperationRunQuery(query: String!, groupObjects: Boolean! = true): BulkOperationRunQueryPayload
    webhookSubscriptionCreate(
      topic: WebhookSubscriptionTopic!
      webhookSubscription: WebhookSubscriptionInput!
    ): WebhookSubscriptionCreatePayload
    webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  }

  schema {
    query: QueryRoot
    mutation: Mutation
  }
`;
